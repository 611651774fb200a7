# shellcheck shell=bash disable=SC2034,SC2153  # sourced by ../lib.sh, which defines A2_MODE, A2_DIR
# approach_2's cluster mode (`up --nodes 3`): a three-node swarm in Docker-in-Docker on this engine.
# Each node is a container of zerodrop/a2-node (Debian's docker.io on the lab's base image) with
# its own engine; this engine only runs the nodes. See ../README.md "Cluster mode".

A2_NODES=(manager worker1 worker2)
A2_MANAGER=manager
# A private bridge for the swarm's control (2377), gossip (7946) and VXLAN (4789/udp) traffic.
# 172.16.0.0/16 is outside Docker's default pools (172.17-31/16, 192.168/16) and the swarm's
# overlay pool (10.0.0.0/8), so neither engine hands out an overlapping subnet later.
A2_NET=zerodrop_a2_nodes
A2_SUBNET=172.16.82.0/24
declare -A A2_NODE_IP=([manager]=172.16.82.11 [worker1]=172.16.82.12 [worker2]=172.16.82.13)
# Every container, volume and network cluster mode creates carries it: down removes by it.
A2_CLUSTER_LABEL=dev.zerodrop.a2-cluster
A2_CLUSTER_DIR="$A2_STATE_DIR/cluster"

a2_node_container() { echo "zerodrop_a2_$1"; }
a2_node_volume() { echo "zerodrop_a2_$1_docker"; }

# The node image's tag follows its recipe, so an edited entrypoint yields a new image.
a2_node_image() {
  echo "zerodrop/a2-node:20.10-$(cat "$A2_DIR/cluster/node/Dockerfile" "$A2_DIR/cluster/node/entrypoint.sh" | sha256sum | cut -c1-12)"
}

a2_valid_node() { local n; for n in "${A2_NODES[@]}"; do [[ "$1" == "$n" ]] && return 0; done; return 1; }

# The cluster exists when its manager container does (running or not): the engine is the truth,
# no state file can drift from it.
a2_cluster_exists() { docker container inspect "$(a2_node_container "$A2_MANAGER")" >/dev/null 2>&1; }

# The nested engine's socket, shared with this host through a bind mount of the node's
# /run/zerodrop (read from the container, so it works whichever checkout created the node).
declare -A A2_NODE_HOSTS=()
a2_node_host() { # node
  local src
  if [[ -z "${A2_NODE_HOSTS[$1]:-}" ]]; then
    src=$(docker container inspect -f '{{range .Mounts}}{{if eq .Destination "/run/zerodrop"}}{{.Source}}{{end}}{{end}}' \
          "$(a2_node_container "$1")" 2>/dev/null) || return 1
    [[ -n "$src" ]] || return 1
    A2_NODE_HOSTS[$1]="unix://$src/docker.sock"
  fi
  echo "${A2_NODE_HOSTS[$1]}"
}
a2_node_running() { [[ "$(docker container inspect -f '{{.State.Running}}' "$(a2_node_container "$1")" 2>/dev/null)" == true ]]; }
# docker against one node's own engine.
a2_nd() { # node docker-args...
  local node=$1 host; shift
  host=$(a2_node_host "$node") || { echo "node $node does not exist" >&2; return 1; }
  DOCKER_HOST="$host" docker "$@"
}
a2_node_answers() { a2_node_running "$1" && a2_nd "$1" info >/dev/null 2>&1; }

# Starts one node container (or restarts a stopped one). Docker-in-Docker without --privileged
# (measured recipe, /work/shared/notes/platform.md): every capability but SYS_RESOURCE (the host
# lacks it), seccomp and the masked /proc,/sys paths off, all devices allowed in the node's cgroup,
# a private cgroup namespace, and a named volume on /var/lib/docker (overlay2 cannot sit on the
# container's own overlay root). The entrypoint remounts /sys and the cgroup controllers rw.
# --restart no: a killed node stays down (the node-loss scenario) until up starts it again.
a2_node_run() { # node
  local node=$1 name; name=$(a2_node_container "$1")
  if docker container inspect "$name" >/dev/null 2>&1; then
    a2_node_running "$node" || docker start "$name" >/dev/null
    return
  fi
  mkdir -p "$A2_CLUSTER_DIR/$node"
  docker volume create --label "$A2_CLUSTER_LABEL=$node" "$(a2_node_volume "$node")" >/dev/null
  local args=(--detach --name "$name" --hostname "$node" --label "$A2_CLUSTER_LABEL=$node"
    --network "$A2_NET" --ip "${A2_NODE_IP[$node]}" --restart no
    --cap-add ALL --cap-drop SYS_RESOURCE
    --security-opt seccomp=unconfined --security-opt systempaths=unconfined
    --device-cgroup-rule 'a *:* rwm' --cgroupns private
    --volume "$(a2_node_volume "$node"):/var/lib/docker"
    # A fresh /run on every start, as a rebooted machine has: a killed node leaves pid files
    # behind, and dockerd refuses to start over its own (measured).
    --tmpfs /run
    --volume "$A2_CLUSTER_DIR/$node:/run/zerodrop")
  # The entry: the manager's proxy task (host-mode port) on this host's loopback only.
  [[ "$node" == "$A2_MANAGER" ]] && args+=(--publish "127.0.0.1:$A2_PORT:$A2_PORT")
  docker run "${args[@]}" "$(a2_node_image)" >/dev/null
}

# Swarm membership of one node's engine.
a2_node_swarm_state() { a2_nd "$1" info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null; }

# Brings the swarm together: init on the manager, join the workers, one zone label per node.
a2_cluster_swarm() {
  local node token
  case "$(a2_node_swarm_state "$A2_MANAGER")" in
    active) ;;
    inactive)
      a2_nd "$A2_MANAGER" swarm init --advertise-addr "${A2_NODE_IP[$A2_MANAGER]}" \
        --listen-addr "${A2_NODE_IP[$A2_MANAGER]}:2377" >/dev/null ;;
    *) die 3 "the manager node's swarm is '$(a2_node_swarm_state "$A2_MANAGER")': run approach_2/down and up again" ;;
  esac
  token=$(a2_nd "$A2_MANAGER" swarm join-token -q worker)
  for node in "${A2_NODES[@]}"; do
    [[ "$node" == "$A2_MANAGER" ]] && continue
    case "$(a2_node_swarm_state "$node")" in
      active|pending) ;;
      inactive)
        a2_nd "$node" swarm join --token "$token" --advertise-addr "${A2_NODE_IP[$node]}" \
          "${A2_NODE_IP[$A2_MANAGER]}:2377" >/dev/null ;;
      *) die 3 "node $node's swarm is '$(a2_node_swarm_state "$node")': run approach_2/down and up again" ;;
    esac
  done
}

# "hostname status availability" per swarm node, as the manager sees it.
a2_swarm_nodes() { a2d node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}' 2>/dev/null; }
a2_all_nodes_ready() {
  [[ "$(a2_swarm_nodes | awk '$2 == "Ready"' | wc -l)" == "${#A2_NODES[@]}" ]]
}
# A node's proxy runs: its own engine runs the container, and the manager counts the task running.
a2_proxy_on() { # node
  a2d service ps "$(a2_svc proxy)" --filter desired-state=running --filter "node=$1" --format '{{.CurrentState}}' 2>/dev/null \
    | grep -q '^Running' || return 1
  [[ -n "$(a2_nd "$1" ps -q --filter "label=com.docker.swarm.service.name=$(a2_svc proxy)" 2>/dev/null)" ]]
}
# The global proxy runs on every node that is Ready and Active (a paused or drained node gets no
# new task). A node that rejoins gets its new proxy task seconds after it is Ready again (CI: up
# had returned before it ran), so up waits for this, not only for the manager's proxy.
a2_proxy_on_every_node() {
  local node
  for node in $(a2_swarm_nodes | awk '$2 == "Ready" && $3 == "Active" {print $1}'); do
    a2_proxy_on "$node" || return 1
  done
}

# Zones for the placement preference (stack.cluster.yaml spreads over node.labels.zone). Here a
# zone is a node; on real hosts it is a rack or an availability zone.
a2_cluster_labels() {
  local node
  for node in "${A2_NODES[@]}"; do
    [[ "$(a2d node inspect -f '{{index .Spec.Labels "zone"}}' "$node" 2>/dev/null)" == "$node" ]] \
      || a2d node update --label-add "zone=$node" "$node" >/dev/null
  done
}

# Copies images into every running node that lacks them (or holds an older build under the tag):
# `docker save | docker load`, no registry. One save per node, the nodes in parallel. Sets
# A2_LOADED to what was copied ("<MB> MB into <node>,<node>" or "nothing to copy").
A2_LOADED=
a2_cluster_load() { # image...
  local node i missing pids=() failed=0 tmp mb=0 into=() ids have
  tmp=$(mktemp -d)
  # An image is missing on a node unless the node has the same id under the same tag.
  mapfile -t ids < <(docker image inspect -f '{{.Id}}' "$@" 2>/dev/null)
  ((${#ids[@]} == $#)) || die "an image to copy is not on this engine: $*"
  for node in "${A2_NODES[@]}"; do
    a2_node_running "$node" || continue
    have=$(a2_nd "$node" image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')
    missing=()
    for ((i = 1; i <= $#; i++)); do
      grep -qxF "${!i} ${ids[i - 1]}" <<<"$have" || missing+=("${!i}")
    done
    ((${#missing[@]})) || continue
    into+=("$node")
    # dd counts the bytes (its summary on stderr) on the way.
    { docker save "${missing[@]}" | dd bs=1M 2>"$tmp/$node" | a2_nd "$node" load -q >/dev/null; } &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  for node in "${into[@]}"; do
    mb=$((mb + $(sed -n 's/^\([0-9]*\) bytes.*/\1/p' "$tmp/$node") / 1000000))
  done
  rm -rf "$tmp"
  ((failed == 0)) || die "copying images into the nodes failed"
  if ((${#into[@]})); then A2_LOADED="$mb MB into $(IFS=,; echo "${into[*]}")"; else A2_LOADED="nothing to copy"; fi
}

# Cap of tasks of one app per node: ceil(replicas / (nodes - 1)). The smallest cap with which
# the other nodes can still hold every replica when one node is lost or drained; with 2 replicas
# it is 1: no node ever carries both, so a lost node never takes a whole app.
a2_max_per_node() { # replicas
  local spare=$((${#A2_NODES[@]} - 1))
  echo $((($1 + spare - 1) / spare))
}

# Lines "node service state" (service: proxy or an app) for every task Swarm wants running that has a node.
a2_task_nodes() {
  local svc
  for svc in proxy "${ZD_APPS[@]}"; do
    a2d service ps "$(a2_svc "$svc")" --filter desired-state=running --format "{{.Node}} $svc {{.CurrentState}}" 2>/dev/null \
      | awk '$1 != "" {print $1, $2, tolower($3)}'
  done
}

# Where an app's tasks run: "manager,worker2".
a2_app_nodes() { # app
  a2_task_nodes | awk -v a="$1" '$2 == a {print $1}' | sort | paste -sd, -
}
# Containers of the stack still on a node (old tasks finishing their in-flight requests count).
a2_stack_containers_on() { # node
  a2_nd "$1" ps -q --filter "label=com.docker.stack.namespace=$A2_STACK" 2>/dev/null | wc -l
}
a2_node_availability() { a2d node inspect -f '{{.Spec.Availability}}' "$1" 2>/dev/null; }
a2_node_status() { a2d node inspect -f '{{.Status.State}}' "$1" 2>/dev/null; }

# For the node verbs: cluster mode, a known node. Exits 2/3 before anything changes.
a2_require_cluster_node() { # usage node
  local usage=$1 node=${2:-}
  [[ -n "$node" ]] || die 2 "missing node (${A2_NODES[*]}). Usage: $usage"
  a2_valid_node "$node" || die 2 "unknown node '$node' (${A2_NODES[*]}). Usage: $usage"
  a2_init
  [[ "$A2_MODE" == cluster ]] || die 3 "approach_2 runs on one node: node verbs need the cluster (approach_2/up --nodes 3)"
  a2_require_stack
}

# Removes every node, volume and network cluster mode created (by label), and the socket dirs.
a2_cluster_remove() {
  docker ps -aq --filter "label=$A2_CLUSTER_LABEL" | xargs -r docker rm -f >/dev/null
  docker volume ls -q --filter "label=$A2_CLUSTER_LABEL" | xargs -r docker volume rm >/dev/null
  docker network ls -q --filter "label=$A2_CLUSTER_LABEL" | xargs -r docker network rm >/dev/null
  rm -rf "$A2_CLUSTER_DIR"
}
