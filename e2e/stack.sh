# Sourced by e2e/run (the suite) and bench/operator (the operator benchmark): the tools, the
# build outputs, a fresh local control plane (e2e/cluster) and its nodes: with
# STACK_NODES=real (e2e/run) two real nodes (e2e/nodes: kubelet, containerd, runc, in network
# namespaces) and the images of `make images` in the nodes' registry; with STACK_NODES=kwok
# (the default, bench/operator) KWOK and the real kube-scheduler in the background, for the
# simulated nodes the benchmark creates (no pod runs anything: the benchmark writes their
# results). Everything is stopped again when the sourcing script exits, also on failure (then
# the tails of the node components' and the operator's logs are printed).
#
# The caller sets STACK_NAME (a word for its messages), optionally STACK_OK (the word for
# success, default PASSED), STACK_LAST_LINE_FROM (a file whose last line is printed last) and
# STACK_NODES, and may preset the environment below before sourcing it; sourcing it does the work.
#
# Environment (defaults in brackets):
#   CONCBENCH_E2E_DIR [/tmp/concbench-e2e-suite]   state of this control plane; its etcd data
#       is wiped before every run (a dedicated directory and ports, so a cluster started by
#       hand with e2e/cluster keeps running next to it)
#   CONCBENCH_APISERVER_PORT [26543] CONCBENCH_ETCD_PORT [23890] CONCBENCH_ETCD_PEER_PORT [23900]
#   CONCBENCH_KCM_PORT [26359]
#   CONCBENCH_SCHEDULER_PORT [26251]   the kube-scheduler's port (as in e2e/nodes)
#   CONCBENCH_E2E_KEEP=1   leave the control plane and the nodes running afterwards
#   CONCBENCH_E2E_NODES [e2e-node-a,e2e-node-b]   the real nodes' names (CONCBENCH_NODES of e2e/nodes)
# Kubernetes, kubectl and helm versions: e2e/versions.env.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
STACK_NAME=${STACK_NAME:-e2e}
STACK_NODES=${STACK_NODES:-kwok}

export CONCBENCH_E2E_DIR=${CONCBENCH_E2E_DIR:-/tmp/concbench-e2e-suite}
export CONCBENCH_APISERVER_PORT=${CONCBENCH_APISERVER_PORT:-26543}
export CONCBENCH_ETCD_PORT=${CONCBENCH_ETCD_PORT:-23890}
export CONCBENCH_ETCD_PEER_PORT=${CONCBENCH_ETCD_PEER_PORT:-23900}
export CONCBENCH_KCM_PORT=${CONCBENCH_KCM_PORT:-26359}
STATE=$CONCBENCH_E2E_DIR
KWOK_STATE=$STATE/kwok
NODES=${CONCBENCH_E2E_NODES:-e2e-node-a,e2e-node-b}

# One stack at a time on a machine: the real nodes' network namespaces, the bridge, the registry
# and the default ports are machine-wide. A second suite or bench (another worktree, say) waits here
# for the first to finish instead of tearing its cluster down under it.
CONCBENCH_STACK_LOCK=${CONCBENCH_STACK_LOCK:-/tmp/concbench-e2e.lock}
exec 8>"$CONCBENCH_STACK_LOCK"
if ! flock -n 8; then
  echo "${STACK_NAME}: another e2e stack runs on this machine; waiting for it (lock $CONCBENCH_STACK_LOCK)"
  flock 8
fi

T0=$SECONDS
step_start=$SECONDS
SCRIPT_NAME=$STACK_NAME
# shellcheck source=e2e/lib.sh
source "$E2E_DIR/lib.sh"
step() { say "$1 ($((SECONDS - step_start)) s)"; step_start=$SECONDS; }

# ---------------------------------------------------------------- tools
env_lines=$("$E2E_DIR/install-tools" --quiet --print-env $([[ $STACK_NODES == real ]] && echo --nodes || echo --kwok)) ||
  die "e2e/install-tools failed"
eval "$env_lines"
export KUBECTL HELM K8S_VERSION
# kubeconform, for the suite's manifest check (built with --nodes)
[[ -n ${KUBECONFORM:-} ]] && export KUBECONFORM
export KUBECONFIG=$STATE/kubeconfig
export CONCBENCH_REPO=$REPO
step "tools: kubectl and helm from $TOOLS_DIR, Kubernetes $K8S_VERSION"

# ---------------------------------------------------------------- build what is stale
# stale TARGET PATH...: TARGET is missing or older than any file under the paths.
stale() {
  local target=$1
  shift
  [[ ! -f $target ]] && return 0
  [[ -n $(find "$@" -type f -newer "$target" -not -path '*/target/*' -not -name '*.pyc' -print -quit 2>/dev/null) ]]
}
cd "$REPO"
KERNEL_JAR=kernel/target/concbench-kernel.jar
OPERATOR_JAR=operator/target/quarkus-app/quarkus-run.jar
if stale "$KERNEL_JAR" kernel/src kernel/python kernel/pom.xml pom.xml ||
  stale "$OPERATOR_JAR" operator/src operator/pom.xml model/src model/pom.xml kernel/python/concbench_kernel.py pom.xml; then
  # package in place, not install: a suite in another worktree shares ~/.m2; -am builds the model too
  say "building kernel and operator (mvn -DskipTests package -pl kernel,operator -am)"
  mvn -B -q -DskipTests package -pl kernel,operator -am
  step "built"
else
  step "kernel and operator are up to date"
fi
# The pods run a snapshot of the build outputs, so that another build of the working tree
# (mvn clean, an IDE) cannot swap the operator's jar under a running suite. The paths keep
# the repository's layout: the image map's relative paths resolve against the snapshot.
ARTIFACTS=$STATE/artifacts
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS/operator/target" "$ARTIFACTS/kernel/target"
cp -r operator/target/quarkus-app "$ARTIFACTS/operator/target/"
cp "$KERNEL_JAR" "$ARTIFACTS/kernel/target/"
step "build outputs copied to $ARTIFACTS"
if [[ $STACK_NODES == real ]]; then
  "$E2E_DIR/images" build
  step "images built (make images)"
fi

if stale e2e/target/e2e.classpath e2e/src/main e2e/pom.xml model/src/main model/pom.xml pom.xml ||
  stale e2e/target/classes/dev/concbench/e2e/OperatorBench.class e2e/src/main model/src/main; then
  mvn -B -q -DskipTests package -pl e2e -am
  step "e2e module built"
fi

# ---------------------------------------------------------------- control plane
# start_sim NAME BIN ARGS...: a simulated-nodes process in the background (e2e/lib.sh's supervisor; pid
# and log in $KWOK_STATE).
start_sim() {
  local name=$1
  shift
  : >"$KWOK_STATE/$name.log"
  supervise_start "$KWOK_STATE/$name.pid" "$KWOK_STATE/$name.log" "$@" || die "$name did not start"
  sleep 0.5
  supervised_pid "$KWOK_STATE/$name.pid" >/dev/null || die "$name exited at once: $(tail -n 5 "$KWOK_STATE/$name.log")"
}
# Only a process of this stack (its command line names this state directory), never a reused pid.
stop_sim() {
  local f
  for f in "$KWOK_STATE"/*.pid; do
    [[ -f $f ]] || continue
    supervise_stop "$f" "$(basename "$f" .pid)" "$STATE/" || true
  done
}

print_logs() {
  if [[ $STACK_NODES == real ]]; then
    local f
    for f in "$STATE"/nodes/node-*/logs/kubelet.log "$STATE"/nodes/hub/logs/kube-scheduler.log; do
      [[ -f $f ]] || continue
      echo "==== $f (tail, errors)" >&2
      grep -E '^[EW][0-9]{4}' "$f" | tail -n 15 >&2 || true
    done
    # `|| true`: with no operator log, the failed `ls` became print_logs' status (the `return` below)
    for f in $(ls -t "$STATE"/nodes/node-*/kubelet/logs/concbench-system_*/operator/*.log 2>/dev/null | head -n 2 || true); do
      echo "==== operator log (tail, without stack frames): $f" >&2
      grep -v $'\tat \\|\t\\.\\.\\. [0-9]* more' "$f" | tail -n 40 >&2 || true
    done
    return
  fi
  local f
  for f in "$KWOK_STATE"/kwok.log "$KWOK_STATE"/kube-scheduler.log; do
    [[ -f $f ]] || continue
    echo "==== $f (tail)" >&2
    tail -n 15 "$f" >&2
  done
  # bench/operator runs the operator as local processes, logs operator-*.log in the state directory
  for f in $(ls -t "$STATE"/operator-*.log 2>/dev/null | head -n 2 || true); do
    echo "==== operator log (tail, without stack frames): $f" >&2
    grep -v $'^\tat \\|^\t\\.\\.\\. [0-9]* more' "$f" | tail -n 40 >&2 || true
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Every step of the teardown runs, whatever an earlier one returned: with errexit on, print_logs
  # returning non-zero (no operator log to show) once left the control plane and the nodes running.
  set +e
  if [[ $rc != 0 ]]; then
    print_logs
  fi
  if [[ ${CONCBENCH_E2E_KEEP:-0} == 1 ]]; then
    say "CONCBENCH_E2E_KEEP=1: the control plane and the nodes keep running; KUBECONFIG=$KUBECONFIG"
    say "stop them with: kill \$(cat $KWOK_STATE/*.pid); CONCBENCH_E2E_DIR=$STATE e2e/nodes down; CONCBENCH_E2E_DIR=$STATE e2e/cluster down"
  else
    stop_sim
    if [[ $STACK_NODES == real ]]; then "$E2E_DIR/nodes" down || say "e2e/nodes down failed"; fi
    "$E2E_DIR/cluster" down >/dev/null || true
  fi
  say "$([[ $rc == 0 ]] && echo "${STACK_OK:-PASSED}" || echo "FAILED (exit $rc)") in $((SECONDS - T0)) s; logs in $STATE"
  # A benchmark's last line is its one-line summary: repeat it after the messages above.
  if [[ $rc == 0 && -n ${STACK_LAST_LINE_FROM:-} && -f $STACK_LAST_LINE_FROM ]]; then
    tail -n 1 "$STACK_LAST_LINE_FROM"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh cluster every time: stop what an earlier run left, wipe the etcd data (keep the
# certificates, which take a few seconds to make).
stop_sim
if [[ $STACK_NODES == real && -d $STATE/nodes ]]; then "$E2E_DIR/nodes" down >/dev/null; fi
"$E2E_DIR/cluster" down >/dev/null
rm -rf "$STATE/etcd" "$KWOK_STATE"
"$E2E_DIR/cluster" up
step "control plane up: Kubernetes $("$KUBECTL" version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -n 1)"

if [[ $STACK_NODES == real ]]; then
  "$E2E_DIR/nodes" up
  eval "$("$E2E_DIR/nodes" env)"
  "$E2E_DIR/images" push "$REGISTRY"
  CONCBENCH_E2E_REGISTRY=$REGISTRY
  CONCBENCH_E2E_IMAGE_TAG=$("$E2E_DIR/images" list | sed -n 's#^concbench/pause:##p')
  # The runtime catalog of the pushed kernel images (runtime -> image, kind, command).
  CONCBENCH_E2E_RUNTIMES=$STATE/runtimes.yaml
  "$E2E_DIR/images" runtimes "$REGISTRY" >"$CONCBENCH_E2E_RUNTIMES"
  export CONCBENCH_E2E_REGISTRY CONCBENCH_E2E_IMAGE_TAG CONCBENCH_E2E_RUNTIMES STACK_NODES
  step "real nodes up ($NODES), images pushed to $REGISTRY, runtime catalog $CONCBENCH_E2E_RUNTIMES"
  return 0
fi

# ---------------------------------------------------------------- simulated nodes
# KWOK (sigs.k8s.io/kwok) manages the nodes bench/operator creates (annotation
# kwok.x-k8s.io/node=fake): it makes them Ready, keeps their Leases, and marks the pods bound
# to them Running (the Stage files of install-tools: no pod ever completes by itself). The real
# kube-scheduler binds the pods. Both run against this control plane with the admin kubeconfig.
mkdir -p "$KWOK_STATE"
kwok_stages=$(ls "$KWOK_STAGES_DIR"/*.yaml | paste -sd, -)
start_sim kube-scheduler "$KUBE_SCHEDULER" --kubeconfig "$KUBECONFIG" \
  --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --bind-address 127.0.0.1 --secure-port "${CONCBENCH_SCHEDULER_PORT:-26251}" --cert-dir "$KWOK_STATE/scheduler-pki" \
  --leader-elect=false --profiling=false
start_sim kwok "$KWOK" --kubeconfig "$KUBECONFIG" --config "$kwok_stages" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --cidr 10.96.0.0/12 --node-ip 10.95.0.1 --node-lease-duration-seconds 40 --v WARN
step "simulated nodes: kwok (pid $(<"$KWOK_STATE/kwok.pid")) and kube-scheduler (pid $(<"$KWOK_STATE/kube-scheduler.pid")); logs in $KWOK_STATE"
