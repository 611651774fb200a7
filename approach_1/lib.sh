# approach_1 helpers shared by up, deploy-apps, naive-deploy and down. Source it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

A1_DIR="$ZD_ROOT/approach_1"
A1_PROJECT=zerodrop_a1
A1_LIVE_NET=${A1_PROJECT}_live
A1_HEALTH_TIMEOUT_S=${A1_HEALTH_TIMEOUT_S:-30}

dc() { docker-compose -p "$A1_PROJECT" -f "$A1_DIR/compose.yaml" "$@"; }

# Running containers of a service (docker ps, not `docker-compose ps`: that costs ~1 s a call).
a1_replicas() {
  docker ps -q --no-trunc --filter "label=com.docker.compose.project=$A1_PROJECT" \
    --filter "label=com.docker.compose.service=$1" | sort
}
a1_proxy() { a1_replicas proxy | head -1; }

# Version an app runs now, read from its running replicas' image tags (no state file to drift).
a1_running_version() {
  a1_replicas "$1" | xargs -r docker inspect -f '{{.Config.Image}}' | sed 's/.*://' | sort -u | tail -1
}
# Compose reads the image tags from these; keep them at what runs so compose never recreates.
a1_export_versions() {
  export GO_APP_VERSION="${GO_APP_VERSION:-$(a1_running_version go-app)}"
  export NODE_APP_VERSION="${NODE_APP_VERSION:-$(a1_running_version node-app)}"
  : "${GO_APP_VERSION:=v1}" "${NODE_APP_VERSION:=v1}"
}

# Builds the release image when missing. ZD_BROKEN=1 (a lab switch) builds it broken: its
# health check never passes, to prove the abort path.
a1_ensure_image() { # app version
  if [[ "${ZD_BROKEN:-0}" == 1 ]]; then "$ZD_ROOT/apps/build" "$1" "$2" --broken; return; fi
  docker image inspect "zerodrop/$1:$2" >/dev/null 2>&1 || "$ZD_ROOT/apps/build" "$1" "$2"
}

# Waits until Docker's HEALTHCHECK says healthy for every id; returns 1 on unhealthy/timeout.
a1_wait_healthy() { # timeout_s id...
  local deadline=$((SECONDS + $1)) id s pending; shift
  while :; do
    pending=0
    for id in "$@"; do
      s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id" 2>/dev/null || echo gone)
      case "$s" in healthy) ;; starting) pending=1 ;; *) return 1 ;; esac
    done
    ((pending)) || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Admits replicas into the proxy pool: they join "live" under the DNS name HAProxy resolves.
# Why not let compose put them there: HAProxy 2.6 treats a freshly resolved server as UP
# before its first check (haproxy/haproxy#51), so it would route to a replica still starting.
a1_admit() { # app id...
  local app=$1 id; shift
  for id in "$@"; do docker network connect --alias "$app" "$A1_LIVE_NET" "$id"; done
}

a1_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$A1_LIVE_NET\").IPAddress}}" "$1"; }

# Proxy's view of a backend: "ip status" per server slot with an address (runtime API).
a1_proxy_view() { # app
  docker exec "$(a1_proxy)" sh -c 'echo "show servers state '"$1"'" | socat - UNIX-CONNECT:/tmp/haproxy-admin.sock' \
    | awk 'NF > 6 && $5 != "0.0.0.0" && $1 ~ /^[0-9]+$/ {print $5, ($6 == 2 ? "UP" : "DOWN")}'
}

# Waits until the proxy health-checks every given replica UP.
a1_wait_proxy_up() { # timeout_s app id...
  local deadline=$((SECONDS + $1)) app=$2 id ip view ok; shift 2
  while :; do
    view=$(a1_proxy_view "$app"); ok=1
    for id in "$@"; do
      ip=$(a1_ip "$id"); grep -qx "$ip UP" <<<"$view" || ok=0
    done
    ((ok)) && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
