# shellcheck shell=bash disable=SC2034  # sourced: the constants are used by the verbs
# approach_2 helpers shared by up, deploy, scale, naive-deploy and down. Source it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$ZD_ROOT/lib/images.sh"
. "$ZD_ROOT/lib/haproxy.sh"

A2_DIR="$ZD_ROOT/approach_2"
A2_STACK=zerodrop_a2
A2_PORT=18082
A2_STATE_DIR="$A2_DIR/.state"
# Present only when ./up initialised the swarm: ./down then leaves it again, never otherwise.
A2_SWARM_MARK="$A2_STATE_DIR/swarm-created-by-up"
# Every wait is bounded. A rollout is ~15 s per app; a rollback ~25 s.
A2_TIMEOUT_S=${A2_TIMEOUT_S:-120}
. "$A2_DIR/cluster/lib.sh"

# Where the swarm is: "single" (this engine, the default) or "cluster" (up --nodes 3: nested
# engines, this one only runs the nodes). Set by a2_init; swarm-side commands go through a2d.
A2_MODE=single
A2_SWARM_HOST=
# a2_init_any: as a2_init, but a stopped manager node is accepted (up starts it, down removes it).
a2_init_any() {
  zd_require_engine
  if a2_cluster_exists; then
    A2_MODE=cluster
    A2_SWARM_HOST=$(a2_node_host "$A2_MANAGER") \
      || die 3 "approach_2's cluster manager node has no engine socket: run approach_2/down"
  fi
}
a2_init() {
  a2_init_any
  [[ "$A2_MODE" == single ]] || a2_node_answers "$A2_MANAGER" \
    || die 3 "approach_2's cluster manager node does not answer (approach_2/up --nodes 3 starts it again)"
}
# docker against the swarm's manager: this engine in single mode, the manager node in cluster mode.
a2d() {
  if [[ -n "$A2_SWARM_HOST" ]]; then DOCKER_HOST="$A2_SWARM_HOST" docker "$@"; else docker "$@"; fi
}
# Runs "$@" against every engine that runs tasks (one in single mode, each running node otherwise).
a2_each_engine() {
  if [[ "$A2_MODE" == single ]]; then "$@"; return; fi
  local node
  for node in "${A2_NODES[@]}"; do
    a2_node_running "$node" || continue
    DOCKER_HOST=$(a2_node_host "$node") "$@"
  done
}

a2_svc() { echo "${A2_STACK}_$1"; }

# Swarm membership of the swarm's engine (a2d): inactive | pending | active | error | locked.
a2_swarm_state() { a2d info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
a2_is_manager() { [[ "$(a2d info -f '{{.Swarm.ControlAvailable}}' 2>/dev/null)" == true ]]; }

# The stack is up when its proxy service exists (the apps alone would not answer anyone).
a2_stack_up() {
  [[ "$(a2_swarm_state)" == active ]] && a2_is_manager \
    && a2d service inspect "$(a2_svc proxy)" >/dev/null 2>&1
}
a2_require_stack() {
  a2_stack_up || die 3 "approach_2 is not up (run approach_2/up first)"
}

# Empty (not an error) when the service does not exist.
a2_spec() { # app go-template
  a2d service inspect -f "$2" "$(a2_svc "$1")" 2>/dev/null || true
}
# Version in the service's spec (what Swarm converges to), from the image tag: no state file.
a2_version() { a2_spec "$1" '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed 's/@.*//; s/.*://'; }
a2_replicas() { a2_spec "$1" '{{.Spec.Mode.Replicated.Replicas}}'; }
a2_update_state() { a2_spec "$1" '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}'; }
a2_update_started() { a2_spec "$1" '{{if .UpdateStatus}}{{.UpdateStatus.StartedAt}}{{end}}'; }
a2_update_message() { a2_spec "$1" '{{if .UpdateStatus}}{{.UpdateStatus.Message}}{{end}}'; }

# Tasks Swarm wants running, as "state image" lines (state: running, starting, ...).
a2_tasks() { # app
  a2d service ps "$(a2_svc "$1")" --filter desired-state=running --format '{{.CurrentState}} {{.Image}}' 2>/dev/null \
    | awk '{print tolower($1), $NF}'
}
# Containers of tasks told to stop that still run: old replicas finishing in-flight requests.
# Counted from containers (on every node): `docker service ps` hides tasks removed by a scale-down.
a2_draining_count() { # app
  local containers wanted
  containers=$(a2_each_engine docker ps -q --filter "label=com.docker.swarm.service.name=$(a2_svc "$1")" | wc -l)
  wanted=$(a2_tasks "$1" | wc -l)
  echo $((containers > wanted ? containers - wanted : 0))
}
# Converged: as many running tasks as replicas, all on the spec's image.
a2_converged() { # app
  local want image running
  want=$(a2_replicas "$1"); image=$(a2_spec "$1" '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed 's/@.*//')
  running=$(a2_tasks "$1" | awk -v img="$image" '$1 == "running" && $2 == img' | wc -l)
  [[ -n "$want" && "$running" == "$want" && "$(a2_tasks "$1" | wc -l)" == "$want" ]]
}

# Converged, and no rolling update or rollback still under way.
a2_settled() { # app
  case "$(a2_update_state "$1")" in updating|rollback_started) return 1 ;; esac
  a2_converged "$1"
}

a2_proxy() { a2d ps -q --filter "label=com.docker.swarm.service.name=$(a2_svc proxy)" | head -1; }
a2_proxy_running() { [[ -n "$(a2_proxy)" ]]; }

# Proxy's view of a backend: one "ip UP|DOWN" line per server slot with an address (runtime API).
a2_proxy_view() { # app
  local proxy; proxy=$(a2_proxy); [[ -n "$proxy" ]] || return 0
  zd_haproxy_api a2d "$proxy" "show servers state $1" 2>/dev/null | zd_haproxy_servers
}
a2_proxy_up_count() { a2_proxy_view "$1" | grep -c ' UP$' || true; }

# Bounded poll: runs "$@" every 0.5 s until it succeeds or timeout_s passes.
a2_wait() { # timeout_s command...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# The proxy routes to exactly the app's replicas: every one health-checked UP, nothing else.
a2_proxy_matches() { # app
  local want; want=$(a2_replicas "$1")
  [[ "$(a2_proxy_up_count "$1")" == "$want" && "$(a2_proxy_view "$1" | wc -l)" == "$want" ]]
}

# Builds a missing release on this engine (ZD_BROKEN=1: broken, lib/images.sh); in cluster mode
# also copies it into every node.
a2_ensure_image() { # app version
  zd_ensure_image "$1" "$2"
  [[ "$A2_MODE" == single ]] || a2_cluster_load "zerodrop/$1:$2"
}

# Proxy image tag from the recipe and config: editing either yields a new tag, so a re-run of
# ./up rolls the proxy (a fixed tag would make `docker stack deploy` see no change).
a2_proxy_tag() {
  echo "2.6-$(zd_haproxy_hash "$A2_DIR/proxy/haproxy.cfg")"
}

# Applies stack.yaml with the parameters in the environment (see the file's header); in cluster
# mode with cluster/stack.cluster.yaml on top (placement only).
# --resolve-image never: there is no registry; the images are local on every node.
a2_stack_deploy() {
  local out files=(-c "$A2_DIR/stack.yaml")
  [[ "$A2_MODE" == single ]] || files+=(-c "$A2_DIR/cluster/stack.cluster.yaml")
  out=$(a2d stack deploy --resolve-image never "${files[@]}" "$A2_STACK" 2>&1) \
    || die "docker stack deploy failed: $out"
}

# Exports every stack parameter from what runs, unless the caller set it: a re-apply of
# stack.yaml then changes only what the caller asked for.
a2_export_params() {
  local app v r
  for app in "${ZD_APPS[@]}"; do
    v=$(zd_app_var "$app" VERSION); r=$(zd_app_var "$app" REPLICAS)
    [[ -n "${!v:-}" ]] || printf -v "$v" '%s' "$(a2_version "$app")"
    [[ -n "${!r:-}" ]] || printf -v "$r" '%s' "$(a2_replicas "$app")"
    [[ -n "${!v}" ]] || printf -v "$v" '%s' "${ZD_INITIAL_VERSION:-v1}"
    [[ -n "${!r}" ]] || printf -v "$r" 2
    export "${v?}" "${r?}"
    # Cluster mode only (stack.cluster.yaml): derived from the replicas, never read back.
    [[ "$A2_MODE" == single ]] || export "$(zd_app_var "$app" MAX_PER_NODE)=$(a2_max_per_node "${!r}")"
  done
  local live_proxy; live_proxy=$(a2_spec proxy '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed 's/@.*//; s/.*://')
  export A2_PROXY_TAG="${A2_PROXY_TAG:-${live_proxy:-$(a2_proxy_tag)}}"
}

# Waits for one service's rolling update to end; prints its final state
# (completed | rollback_completed | paused | rollback_paused | timeout).
a2_wait_update() { # app previous_started_at timeout_s
  local app=$1 before=$2 deadline=$((SECONDS + $3)) state
  while :; do
    state=$(a2_update_state "$app")
    # Swarm records no new UpdateStatus until it picked the update up: skip the previous one.
    if [[ "$(a2_update_started "$app")" != "$before" ]]; then
      case "$state" in
        completed|rollback_completed|paused|rollback_paused) echo "$state"; return 0 ;;
        # No update recorded: the spec did not change what runs (already converged on it).
        "") a2_converged "$app" && { echo completed; return 0; } ;;
      esac
    fi
    ((SECONDS < deadline)) || { echo timeout; return 0; }
    sleep 0.5
  done
}

a2_build_proxy() {
  zd_haproxy_build "zerodrop/a2-proxy:$A2_PROXY_TAG" "$A2_DIR/proxy/haproxy.cfg" \
    || die "building the proxy image failed (output above)"
}
