# Sourced by e2e/run (the suite) and bench/operator (the operator benchmark): the tools, the
# build outputs, a fresh local control plane (e2e/cluster) and its nodes: with
# STACK_NODES=real (e2e/run) two real nodes (e2e/nodes: kubelet, containerd, runc, in network
# namespaces) and the images of `make images` in the nodes' registry; with STACK_NODES=agent
# (the default, bench/operator) the node agent (a TEST FIXTURE standing in for the scheduler
# and the kubelet) in the background. Everything is stopped again when the sourcing script
# exits, also on failure (then the tails of the node components' or the agent's and the
# operator's logs are printed).
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
#   CONCBENCH_E2E_KEEP=1   leave the control plane and the agent running afterwards
#   CONCBENCH_E2E_NODES [e2e-node-a,e2e-node-b]   the agent's nodes (real nodes: CONCBENCH_NODES
#       of e2e/nodes, also named e2e-node-a, e2e-node-b)
# Kubernetes, kubectl and helm versions: e2e/versions.env.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
STACK_NAME=${STACK_NAME:-e2e}
STACK_NODES=${STACK_NODES:-agent}

export CONCBENCH_E2E_DIR=${CONCBENCH_E2E_DIR:-/tmp/concbench-e2e-suite}
export CONCBENCH_APISERVER_PORT=${CONCBENCH_APISERVER_PORT:-26543}
export CONCBENCH_ETCD_PORT=${CONCBENCH_ETCD_PORT:-23890}
export CONCBENCH_ETCD_PEER_PORT=${CONCBENCH_ETCD_PEER_PORT:-23900}
export CONCBENCH_KCM_PORT=${CONCBENCH_KCM_PORT:-26359}
STATE=$CONCBENCH_E2E_DIR
AGENT_DIR=$STATE/agent
AGENT_LOG=$STATE/node-agent.log
AGENT_PID=$STATE/node-agent.pid
NODES=${CONCBENCH_E2E_NODES:-e2e-node-a,e2e-node-b}

T0=$SECONDS
step_start=$SECONDS
say() { echo "$STACK_NAME: $*"; }
step() { say "$1 ($((SECONDS - step_start)) s)"; step_start=$SECONDS; }
die() { echo "$STACK_NAME: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
env_lines=$("$E2E_DIR/install-tools" --quiet --print-env $([[ $STACK_NODES == real ]] && echo --nodes)) ||
  die "e2e/install-tools failed"
eval "$env_lines"
export KUBECTL HELM K8S_VERSION
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

if stale e2e/target/agent.classpath e2e/src/main e2e/pom.xml pom.xml ||
  stale e2e/target/classes/dev/concbench/e2e/NodeAgent.class e2e/src/main; then
  mvn -B -q -f e2e/pom.xml -DskipTests package
  step "node agent built"
fi

# ---------------------------------------------------------------- control plane
agent_running() { [[ -f $AGENT_PID ]] && kill -0 "$(<"$AGENT_PID")" 2>/dev/null; }
stop_agent() {
  if agent_running; then
    local pid i
    pid=$(<"$AGENT_PID")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$AGENT_PID"
}

print_logs() {
  if [[ $STACK_NODES == real ]]; then
    local f
    for f in "$STATE"/nodes/node-*/logs/kubelet.log "$STATE"/nodes/hub/logs/kube-scheduler.log; do
      [[ -f $f ]] || continue
      echo "==== $f (tail, errors)" >&2
      grep -E '^[EW][0-9]{4}' "$f" | tail -n 15 >&2 || true
    done
    for f in $(ls -t "$STATE"/nodes/node-*/kubelet/logs/concbench-system_*/operator/*.log 2>/dev/null | head -n 2); do
      echo "==== operator log (tail, without stack frames): $f" >&2
      grep -v $'\tat \\|\t\\.\\.\\. [0-9]* more' "$f" | tail -n 40 >&2 || true
    done
    return
  fi
  echo "==== node agent log (tail): $AGENT_LOG" >&2
  tail -n 40 "$AGENT_LOG" >&2 2>/dev/null || true
  local f
  for f in $(ls -t "$AGENT_DIR"/pods/concbench-system/*/operator.log 2>/dev/null | head -n 2); do
    echo "==== operator log (tail, without stack frames): $f" >&2
    grep -v $'^\tat \\|^\t\\.\\.\\. [0-9]* more' "$f" | tail -n 40 >&2 || true
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $rc != 0 ]]; then
    print_logs
  fi
  if [[ ${CONCBENCH_E2E_KEEP:-0} == 1 ]]; then
    say "CONCBENCH_E2E_KEEP=1: the control plane and the agent keep running; KUBECONFIG=$KUBECONFIG"
    say "stop them with: kill \$(cat $AGENT_PID); CONCBENCH_E2E_DIR=$STATE e2e/nodes down; CONCBENCH_E2E_DIR=$STATE e2e/cluster down"
  else
    stop_agent
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
stop_agent
if [[ $STACK_NODES == real && -d $STATE/nodes ]]; then "$E2E_DIR/nodes" down >/dev/null; fi
"$E2E_DIR/cluster" down >/dev/null
rm -rf "$STATE/etcd" "$AGENT_DIR"
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

# ---------------------------------------------------------------- node agent
mkdir -p "$AGENT_DIR"
# All "pods" share this machine's network: give the operator a port nobody uses.
CONCBENCH_E2E_HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
export CONCBENCH_E2E_HTTP_PORT
java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m \
  -cp "e2e/target/classes:$(<e2e/target/agent.classpath)" dev.concbench.e2e.NodeAgent \
  --base-dir "$ARTIFACTS" --images "$E2E_DIR/node-agent-images.yaml" --work-dir "$AGENT_DIR" \
  --nodes "$NODES" --cpu 2 --memory 8Gi >"$AGENT_LOG" 2>&1 </dev/null &
echo $! >"$AGENT_PID"
expected=$(tr ',' '\n' <<<"$NODES" | grep -c .)
for ((i = 0; i < 120; i++)); do
  agent_running || die "the node agent exited"
  [[ $("$KUBECTL" get nodes -o name 2>/dev/null | wc -l) -ge $expected ]] && break
  sleep 0.5
done
"$KUBECTL" wait --for=condition=Ready node --all --timeout=30s >/dev/null ||
  die "the node agent did not register $expected Ready node(s)"
step "node agent up (pid $(<"$AGENT_PID"), nodes $NODES, log $AGENT_LOG)"

