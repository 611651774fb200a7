# shellcheck shell=bash
# Shared by every lab script: constants and the one-line-per-step output style.
# Source it; it defines functions only and changes no state.

# shellcheck disable=SC2034  # used by the scripts that source this file
ZD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The one base every Dockerfile starts from (see docs/CONVENTIONS.md).
ZD_BASE_IMAGE="${ZD_BASE_IMAGE:-debian:bookworm-slim}"
ZD_APPS=(go-app node-app)

step() { printf '==> %s\n' "$*"; }
warn() { printf 'WARN: %s\n' "$*" >&2; }
# The harness's --realtime where this host grants real-time priority (root), else nothing: a
# starved generator makes a run INCONCLUSIVE. Use: mapfile -t rt < <(zd_realtime_flag)
zd_realtime_flag() { if chrt --rr 1 true 2>/dev/null; then echo --realtime; fi; }
die()  { local code=1; if [[ "${1:-}" =~ ^[0-9]+$ ]]; then code=$1; shift; fi
         printf 'ERROR: %s\n' "$*" >&2; exit "$code"; }

# Exit codes every verb shares: 2 bad input, 3 environment not ready (engine, credentials).
zd_require_engine() {
  docker info >/dev/null 2>&1 \
    || die 3 "the Docker engine does not answer (run lib/bootstrap, or start dockerd)"
}

zd_valid_app() { local a; for a in "${ZD_APPS[@]}"; do [[ "$1" == "$a" ]] && return 0; done; return 1; }
# A version is an image tag: letters, digits, '.', '_', '-' (e.g. v2).
zd_valid_version() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; }

# An app's parameter name in compose and stack files: go-app VERSION -> GO_APP_VERSION.
zd_app_var() { # app suffix
  local name=${1^^}
  echo "${name//-/_}_$2"
}

# The lab switch ZD_BROKEN=1 (docs/CONVENTIONS.md): exits 2 on any value but 1, 0 or empty, so a
# typo never deploys the wrong release. Returns 0 when the broken release is asked for.
zd_broken() {
  case "${ZD_BROKEN:-0}" in
    1) return 0 ;;
    0) return 1 ;;
    *) die 2 "ZD_BROKEN=$ZD_BROKEN: want 1 (the broken release) or 0" ;;
  esac
}

# The version every `up` starts an app at when nothing runs yet: ZD_INITIAL_VERSION (default v1),
# the one variable for it in every approach. Exits 2 when it is not a valid version.
zd_require_initial_version() {
  ZD_INITIAL_VERSION="${ZD_INITIAL_VERSION:-v1}"
  zd_valid_version "$ZD_INITIAL_VERSION" \
    || die 2 "invalid ZD_INITIAL_VERSION '$ZD_INITIAL_VERSION' (letters, digits, '.', '_', '-'; e.g. v1)"
}

# Parses "<app>… <version>" into ZD_ARG_APPS (array) and ZD_ARG_VERSION, or exits 2 with a clear
# message: nothing may change when the input is wrong.
zd_parse_apps_version() {
  local usage="$1"; shift
  (( $# >= 2 )) || die 2 "missing app or version. Usage: $usage"
  ZD_ARG_VERSION="${!#}"
  ZD_ARG_APPS=("${@:1:$#-1}")
  local a
  for a in "${ZD_ARG_APPS[@]}"; do
    zd_valid_app "$a" || die 2 "unknown app '$a' (known: ${ZD_APPS[*]}). Usage: $usage"
  done
  if zd_valid_app "$ZD_ARG_VERSION"; then die 2 "missing version after '$ZD_ARG_VERSION'. Usage: $usage"; fi
  zd_valid_version "$ZD_ARG_VERSION" \
    || die 2 "invalid version '$ZD_ARG_VERSION' (letters, digits, '.', '_', '-'; e.g. v2). Usage: $usage"
  zd_broken || true   # exits 2 on a bad ZD_BROKEN, before anything changes
}

# Runs a command showing its output only when it fails (builds are noisy when they work).
zd_quiet() {
  local out
  if ! out=$("$@" 2>&1); then printf '%s\n' "$out" >&2; return 1; fi
}
