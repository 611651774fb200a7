# shellcheck shell=bash
# The app images every container approach deploys (docs/CONVENTIONS.md "Images"). Source it after
# lib/common.sh.

# Makes sure zerodrop/<app>:<version> exists. Built only when missing, so a pre-built broken
# release is deployed as it is; the lab switch ZD_BROKEN=1 builds it broken (its health check
# never passes) whatever is there, to prove the abort path.
zd_ensure_image() { # app version
  if zd_broken; then "$ZD_ROOT/apps/build" "$1" "$2" --broken; return; fi
  docker image inspect "zerodrop/$1:$2" >/dev/null 2>&1 || "$ZD_ROOT/apps/build" "$1" "$2"
}
