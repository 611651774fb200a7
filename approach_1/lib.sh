# shellcheck shell=bash disable=SC2034  # sourced: the constants are used by the verbs
# approach_1 helpers shared by up, deploy (alias deploy-apps), naive-deploy and down. Source it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$ZD_ROOT/lib/images.sh"
. "$ZD_ROOT/lib/haproxy.sh"

A1_DIR="$ZD_ROOT/approach_1"
A1_PROJECT=zerodrop_a1
A1_LIVE_NET=${A1_PROJECT}_live
A1_HEALTH_TIMEOUT_S=${A1_HEALTH_TIMEOUT_S:-30}
# The proxy's ports on 127.0.0.1 (docs/CONVENTIONS.md; compose.yaml publishes them): plain HTTP,
# and the same routes over TLS with a certificate made by up (A1_TLS_DIR, git-ignored).
A1_PORT=18081
A1_TLS_PORT=18441
A1_TLS_DIR="$A1_DIR/.tls"
# compose.yaml runs this tag; up builds it (lib/haproxy.sh) with proxy/haproxy.cfg.
A1_PROXY_IMAGE=zerodrop/a1-proxy:2.6

# A private CA and a server certificate for 127.0.0.1/localhost, made here and never committed:
# ca.pem is what a client trusts (zerodrop-harness --cacert), server.pem (chain + key) is what the
# proxy presents. Remade when missing or expiring within a day; the CA's key is not kept.
a1_ensure_tls() {
  local d=$A1_TLS_DIR
  if [[ -s "$d/server.pem" && -s "$d/ca.pem" ]] && openssl x509 -checkend 86400 -noout -in "$d/server.crt" >/dev/null 2>&1; then
    return 0
  fi
  command -v openssl >/dev/null || die 3 "openssl is not on the PATH (run lib/bootstrap)"
  rm -rf "$d"; mkdir -p "$d"; chmod 700 "$d"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
      -subj "/CN=zerodrop approach_1 CA" -keyout ca.key -out ca.pem
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
      -keyout server.key -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext -out server.crt
    cat server.crt server.key >server.pem
    rm -f ca.key ca.srl server.csr server.ext server.key
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; die 1 "making approach_1's TLS certificate failed"; }
  # The proxy runs as uid 10002 (lib/haproxy/Dockerfile) and reads it through a read-only mount.
  chmod 755 "$d"; chmod 644 "$d/ca.pem" "$d/server.crt"; chown 10002:10002 "$d/server.pem"; chmod 600 "$d/server.pem"
}

dc() { docker-compose -p "$A1_PROJECT" -f "$A1_DIR/compose.yaml" "$@"; }

# Running containers of a service (docker ps, not `docker-compose ps`: that costs ~1 s a call).
a1_replicas() {
  docker ps -q --no-trunc --filter "label=com.docker.compose.project=$A1_PROJECT" \
    --filter "label=com.docker.compose.service=$1" | sort
}
a1_proxy() { a1_replicas proxy | head -1; }
# Exit 3 unless the engine answers and approach_1 runs (its proxy does).
a1_require_up() {
  zd_require_engine
  [[ -n "$(a1_proxy)" ]] || die 3 "approach_1 is not up (run approach_1/up first)"
}

# Version an app runs now, read from its running replicas' image tags (no state file to drift).
a1_running_version() {
  a1_replicas "$1" | xargs -r docker inspect -f '{{.Config.Image}}' | sed 's/.*://' | sort -u | tail -1
}
# Compose reads the image tags from GO_APP_VERSION / NODE_APP_VERSION; keep them at what runs so
# compose never recreates, or ZD_INITIAL_VERSION (default v1) for an app that runs nothing yet.
a1_export_versions() {
  local app var
  for app in "${ZD_APPS[@]}"; do
    var=$(zd_app_var "$app" VERSION)
    printf -v "$var" '%s' "$(a1_running_version "$app")"
    [[ -n "${!var}" ]] || printf -v "$var" '%s' "${ZD_INITIAL_VERSION:-v1}"
    export "${var?}"
  done
}

# Waits until Docker's HEALTHCHECK says healthy for every id; returns 1 on unhealthy/timeout.
a1_wait_healthy() { # timeout_s id...
  local deadline=$((SECONDS + $1)) states; shift
  # One docker call per round for all ids, every 0.5 s: the polls run on the cores the traffic
  # needs, and a new replica is admitted at most half a second after Docker calls it healthy.
  while :; do
    states=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$@" 2>/dev/null) \
      || return 1
    grep -qvx 'healthy\|starting' <<<"$states" && return 1
    grep -qx starting <<<"$states" || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Admits replicas into the proxy pool: they join "live" under the DNS name HAProxy resolves.
# Why not let compose put them there: HAProxy 2.6 treats a freshly resolved server as UP
# before its first check (haproxy/haproxy#51), so it would route to a replica still starting.
a1_admit() { # app id...
  local app=$1 id; shift
  for id in "$@"; do docker network connect --alias "$app" "$A1_LIVE_NET" "$id"; done
}


# Proxy's view of a backend: "ip UP|DOWN" per server slot with an address (runtime API).
a1_proxy_view() { # app
  zd_haproxy_api docker "$(a1_proxy)" "show servers state $1" | zd_haproxy_servers
}

# Waits until the proxy health-checks every given replica UP.
a1_wait_proxy_up() { # timeout_s app id...
  local deadline=$((SECONDS + $1)) app=$2 proxy ip ips view ok; shift 2
  # The replicas' addresses and the proxy are looked up once; each round is one `docker exec`
  # (the runtime API), every 0.5 s: an exec costs runc a process start on the traffic's cores.
  proxy=$(a1_proxy)
  ips=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$A1_LIVE_NET\").IPAddress}}" "$@") || return 1
  while :; do
    view=$(zd_haproxy_api docker "$proxy" "show servers state $app" | zd_haproxy_servers); ok=1
    for ip in $ips; do
      grep -qx "$ip UP" <<<"$view" || ok=0
    done
    ((ok)) && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
