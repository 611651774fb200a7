# shellcheck shell=bash
# The lab's HAProxy, for the approaches that put it in front of their replicas (approach_1,
# approach_2). Source it after lib/common.sh. One image recipe (lib/haproxy/Dockerfile), one
# shared configuration (lib/haproxy/common.cfg) plus each approach's own part.

ZD_HAPROXY_DIR="$ZD_ROOT/lib/haproxy"
# The runtime API inside the proxy container (common.cfg; never published).
ZD_HAPROXY_SOCKET=/tmp/haproxy-admin.sock

# Everything the image is built from, for a tag that changes whenever one of them does.
zd_haproxy_hash() { # approach-part.cfg
  cat "$ZD_HAPROXY_DIR/Dockerfile" "$ZD_HAPROXY_DIR/common.cfg" "$1" | sha256sum | cut -c1-12
}

# Builds the proxy image from the recipe, the shared configuration and the approach's part. The
# build context holds only those three files (a folder of copies: the approach's part and the
# shared file live in different folders, and a context cannot reach outside itself).
zd_haproxy_build() { # image:tag approach-part.cfg
  local ctx status=0
  ctx=$(mktemp -d)
  cp "$ZD_HAPROXY_DIR/Dockerfile" "$ZD_HAPROXY_DIR/common.cfg" "$ctx/"
  cp "$2" "$ctx/haproxy.cfg"
  zd_quiet docker build -q --build-arg "BASE_IMAGE=$ZD_BASE_IMAGE" -t "$1" "$ctx" || status=$?
  rm -rf "$ctx"
  return "$status"
}

# Asks the proxy's runtime API; prints its answer. The docker command may be a wrapper (approach_2
# talks to the swarm's manager through one).
zd_haproxy_api() { # docker-command container api-command
  # shellcheck disable=SC2016  # $1 and $2 are expanded by the container's sh, from its arguments
  "$1" exec "$2" sh -c 'echo "$1" | socat - "UNIX-CONNECT:$2"' sh "$3" "$ZD_HAPROXY_SOCKET"
}

# The proxy's view of a backend, from `show servers state <backend>` on stdin: one "ip UP|DOWN"
# line per server slot that has an address (field 5 srv_addr: 0.0.0.0 or - when empty; field 6
# srv_op_state: 2 = running).
zd_haproxy_servers() {
  awk 'NF > 6 && $5 != "0.0.0.0" && $5 != "-" && $1 ~ /^[0-9]+$/ {print $5, ($6 == 2 ? "UP" : "DOWN")}'
}
