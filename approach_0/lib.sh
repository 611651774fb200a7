# approach_0 helpers shared by up, deploy, naive-deploy and down. Source it.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

A0_DIR="$ZD_ROOT/approach_0"
A0_MACHINE=approach0
# The Docker provider's container and image (see the Vagrantfile).
A0_CONTAINER=zerodrop_a0_vm
A0_LABEL=dev.zerodrop.approach=0
# nginx, forwarded from the machine (docs/CONVENTIONS.md); read by up.
# shellcheck disable=SC2034
A0_PORT=18080
# Build output and the full log of every vagrant/ansible run (git-ignored).
A0_TARGET="$A0_DIR/target"
# Vagrant's state folder (VAGRANT_DOTFILE_PATH moves it, relative to the Vagrantfile); the SSH
# settings for Ansible and ssh live beside Vagrant's own state, so they go where it goes.
A0_VAGRANT_DIR=$(cd "$ZD_ROOT" && mkdir -p "${VAGRANT_DOTFILE_PATH:-.vagrant}" && cd "${VAGRANT_DOTFILE_PATH:-.vagrant}" && pwd)
export ZD_A0_SSH_CONFIG="$A0_VAGRANT_DIR/approach0.ssh_config"
A0_SSH_CONFIG=$ZD_A0_SSH_CONFIG
export VAGRANT_CHECKPOINT_DISABLE=1
export ANSIBLE_CONFIG="$ZD_ROOT/ansible/ansible.cfg"

a0_vagrant() { (cd "$ZD_ROOT" && vagrant "$@"); }

a0_require_tools() {
  local cmd
  for cmd in vagrant ansible-playbook ssh; do
    command -v "$cmd" >/dev/null || die 3 "$cmd is not on the PATH (run lib/bootstrap)"
  done
}

a0_log() { mkdir -p "$A0_TARGET/logs"; echo "$A0_TARGET/logs/$1-$(date +%Y%m%d-%H%M%S).log"; }

# One deploy at a time: two would pick the same idle slot.
a0_lock() {
  exec 9>"$A0_VAGRANT_DIR/approach0.lock"
  flock -n 9 || die 3 "another approach_0 command is running (lock: $A0_VAGRANT_DIR/approach0.lock)"
}

# Writes the SSH settings Vagrant chose (port, generated key) where the inventory and a0_ssh
# read them. Fails (1) when the machine is not running.
a0_write_ssh_config() {
  if a0_vagrant ssh-config "$A0_MACHINE" >"$A0_SSH_CONFIG.tmp" 2>/dev/null; then
    mv "$A0_SSH_CONFIG.tmp" "$A0_SSH_CONFIG"
  else
    rm -f "$A0_SSH_CONFIG.tmp"; return 1
  fi
}
a0_ssh() { ssh -F "$A0_SSH_CONFIG" -o LogLevel=ERROR "$A0_MACHINE" "$@"; }

# Makes sure the machine answers over SSH, or returns 1. The saved settings are tried first: asking
# Vagrant costs a Ruby start (1-3 s) on every deploy, and the rollout clock is running. They are
# refreshed when they no longer work (machine recreated: new port or key).
a0_connect() {
  [[ -f "$A0_SSH_CONFIG" ]] && a0_ssh -o ConnectTimeout=3 -o BatchMode=yes true 2>/dev/null && return 0
  a0_write_ssh_config && a0_ssh -o ConnectTimeout=5 -o BatchMode=yes true 2>/dev/null
}

# Builds each app's release archive for a version (approach_0/build-releases, the one recipe).
a0_build_releases() { # version broken(true|false)
  local flags=()
  [[ $2 == true ]] && flags=(--broken)
  "$A0_DIR/build-releases" "$1" "${flags[@]}"
}

# The "==>" lines of a playbook's output (the deploy's debug messages), as they come.
a0_progress() { sed -un 's/^ *"msg": "\(==> .*\)"$/\1/p'; }

# Prints the last failed task's message from an Ansible (or `vagrant up`) log as an ERROR line;
# returns 1 when the log has no failed task.
a0_explain_failure() { # log
  grep -E '^(fatal|failed): ' "$1" | tail -1 | sed 's/^[^>]*=> //' | python3 -c '
import json, sys
try: msg = json.load(sys.stdin).get("msg", "").strip()
except ValueError: sys.exit(1)
if not msg: sys.exit(1)
print("ERROR: " + msg)' >&2
}

# Runs one of approach_0's playbooks; prints its "==>" lines as they come, keeps the full log.
# On failure: the reason (the failed task's message) and where the log is. Returns ansible's status.
a0_playbook() { # playbook extra-vars-json
  local log status=0
  log=$(a0_log "$1")
  # nice: the deploy yields the CPU to the traffic it must not disturb (same cores here).
  PYTHONUNBUFFERED=1 nice ansible-playbook -i "$ZD_ROOT/ansible/inventories/approach_0" \
      "$ZD_ROOT/ansible/playbooks/approach_0/$1.yml" -e "$2" 2>&1 \
    | tee "$log" | a0_progress || status=${PIPESTATUS[0]}
  if ((status)); then
    a0_explain_failure "$log" || true
    printf 'ERROR: ansible-playbook %s failed (exit %s); full log: %s\n' "$1" "$status" "${log#"$ZD_ROOT"/}" >&2
  fi
  return "$status"
}

# Leftovers of an earlier run that Vagrant no longer knows (say .vagrant/ was deleted): our
# container, found by name and label, holds the name and port 18080. Vagrant's own machine stays.
a0_clear_stray_container() {
  docker info >/dev/null 2>&1 || return 0
  local known="" stray
  [[ -f "$A0_VAGRANT_DIR/machines/$A0_MACHINE/docker/id" ]] && known=$(cat "$A0_VAGRANT_DIR/machines/$A0_MACHINE/docker/id")
  stray=$(docker ps -aq --no-trunc --filter "name=^${A0_CONTAINER}\$" --filter "label=$A0_LABEL")
  if [[ -n "$stray" && "$stray" != "$known" ]]; then
    step "approach_0: removing a machine container Vagrant no longer tracks ($A0_CONTAINER)"
    docker rm -f "$stray" >/dev/null
  fi
}
