# Sourced by the scripts of e2e/ and bench/: the helpers they share and the one process supervisor of
# the daemons they start (the control plane of e2e/cluster, the nodes' components of e2e/nodes, kwok and
# the scheduler of e2e/stack.sh). The sourcing script sets SCRIPT_NAME first (the word its messages
# start with) and may set SAY_FD (where say writes; default stdout).

say() { echo "$SCRIPT_NAME: $*" >&"${SAY_FD:-1}"; }
die() { echo "$SCRIPT_NAME: error: $*" >&2; exit 1; }
# The comment block at the top of the script that was run (its usage), without the '#'s.
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- processes, one pid file each
# supervise_start PIDFILE LOG CMD...: CMD in the background in a session of its own (it survives the shell
# that started it and its terminal's signals), its output appended to LOG. The pid in PIDFILE is CMD's:
# the shell writes its own pid, then becomes CMD. Returns 1 when no pid file appeared within 5 s.
supervise_start() {
  local pf=$1 log=$2 i
  shift 2
  mkdir -p "$(dirname "$pf")" "$(dirname "$log")"
  rm -f "$pf"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pf" "$@" >>"$log" 2>&1 </dev/null &
  for ((i = 0; i < 50; i++)); do
    [[ -s $pf ]] && return 0
    sleep 0.1
  done
  return 1
}

# supervised_pid PIDFILE [MARK]: prints the pid when its process still runs and, given MARK, its command
# line contains MARK (a pid the system gave to another process since is not ours); else returns 1.
supervised_pid() {
  local pf=$1 mark=${2:-} pid
  [[ -f $pf ]] || return 1
  pid=$(<"$pf")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n $mark ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$mark" || return 1
  fi
  echo "$pid"
}

# supervise_stop PIDFILE NAME [MARK]: SIGTERM, SIGKILL after 15 s, saying which; removes the pid file.
# Returns 1 when the process was not running (see supervised_pid).
supervise_stop() {
  local pf=$1 name=$2 mark=${3:-} pid i
  if ! pid=$(supervised_pid "$pf" "$mark"); then
    rm -f "$pf"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    say "$name: killed (pid $pid did not stop within 15 s)"
  else
    say "$name: stopped (pid $pid)"
  fi
  rm -f "$pf"
}
