# shellcheck shell=bash
# approach_3 helpers shared by up, deploy and down. Source it.
# Exit codes (as in every verb): 1 failure, 2 bad input (nothing changed), 3 tools or AWS credentials missing.
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

A3_DIR="$ZD_ROOT/approach_3"

err() { printf 'ERROR: %s\n' "$*" >&2; }

a3_tf() { terraform -chdir="$A3_DIR" "$@"; }

# Exit 3 when a tool is missing: nothing has been touched yet.
a3_require_tools() {
  local tool missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  ((${#missing[@]} == 0)) ||
    die 3 "missing tools: ${missing[*]} (needs terraform >= 1.6, aws CLI v2, docker, jq, curl; see approach_3/README.md)"
}

# Exit 3 unless the aws CLI can authenticate. Covers every credential source (env, profile, SSO,
# instance role) and is bounded, so an offline machine fails in seconds, not minutes.
a3_require_aws_credentials() {
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-eu-west-1}}" out
  if ! out="$(AWS_MAX_ATTEMPTS=1 timeout 30 aws sts get-caller-identity --region "$region" \
    --cli-connect-timeout 5 --cli-read-timeout 10 --query Arn --output text 2>&1)"; then
    die 3 "no usable AWS credentials: 'aws sts get-caller-identity' failed ($(printf '%s' "$out" | tail -n 1)). Set AWS_PROFILE (aws configure / aws sso login), or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)."
  fi
  step "AWS identity: $out"
}

# Run a long, chatty command with its output in a log file; show the log's tail only on failure.
a3_logged() {
  local name="$1" log
  shift
  mkdir -p "$A3_DIR/.terraform/logs"
  log="$A3_DIR/.terraform/logs/$name.log"
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die 1 "$name failed (full log: approach_3/${log#"$A3_DIR"/})"
  fi
}

# The region an ECR repository URL points at (<account>.dkr.ecr.<region>.amazonaws.com/<name>).
a3_ecr_region() {
  local host="${1%%/*}"
  host="${host#*.dkr.ecr.}"
  printf '%s\n' "${host%%.*}"
}

a3_ecr_login() { # repository_url
  local registry="${1%%/*}"
  aws ecr get-login-password --region "$(a3_ecr_region "$1")" |
    docker login --username AWS --password-stdin "$registry" >/dev/null ||
    die 1 "docker login to $registry failed"
}

# Build zerodrop/<app>:<version> only when it is missing, so a pre-built broken release deploys as it is.
# ZD_BROKEN=1 (the lab switch, docs/CONVENTIONS.md) builds it broken: its health check never passes.
a3_ensure_local_image() { # app version
  local image="zerodrop/$1:$2"
  if [[ "${ZD_BROKEN:-0}" == 1 ]]; then "$ZD_ROOT/apps/build" "$1" "$2" --broken; return; fi
  if docker image inspect "$image" >/dev/null 2>&1; then
    step "Using the local image $image"
    return
  fi
  [[ -x "$ZD_ROOT/apps/build" ]] || die 1 "$image is not built and apps/build is missing"
  "$ZD_ROOT/apps/build" "$1" "$2"
}

# Fargate runs the image's architecture only: refuse a mismatch before it becomes a crash loop.
a3_check_image_architecture() { # image X86_64|ARM64
  local arch
  arch="$(docker image inspect --format '{{.Architecture}}' "$1")"
  case "$arch:$2" in
    amd64:X86_64 | arm64:ARM64) ;;
    *) die 1 "$1 is built for $arch but the task definitions expect $2 (Terraform variable cpu_architecture)" ;;
  esac
}

# Push zerodrop/<app>:<version> as <repository_url>:<version> unless ECR has it (tags are immutable there).
a3_push_image() { # app version repository_url
  local region name
  region="$(a3_ecr_region "$3")"
  name="${3#*/}"
  if aws ecr describe-images --region "$region" --repository-name "$name" \
    --image-ids imageTag="$2" >/dev/null 2>&1; then
    step "ECR already has $name:$2 (tags are immutable there): not pushing"
    return
  fi
  step "Pushing zerodrop/$1:$2 to $3:$2"
  docker tag "zerodrop/$1:$2" "$3:$2"
  zd_quiet docker push "$3:$2" || die 1 "docker push $3:$2 failed"
}

# describe-task-definition --include TAGS output (stdin) → register-task-definition input (stdout):
# the same definition with only <app>'s image changed, read-only fields dropped, a Version tag.
a3_task_definition_with_image() { # app image version
  jq --arg app "$1" --arg image "$2" --arg version "$3" '
    (.taskDefinition.containerDefinitions | map(.name) | index($app)) as $i
    | if $i == null then error("no container named \($app) in the task definition") else . end
    | ((.tags // []) | map(select(.key != "Version")) + [{key: "Version", value: $version}]) as $tags
    | .taskDefinition
    | .containerDefinitions[$i].image = $image
    | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
          .registeredAt, .registeredBy, .deregisteredAt)
    | .tags = $tags'
}
