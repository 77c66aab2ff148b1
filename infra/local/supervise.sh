#!/usr/bin/env bash
# The plain-process stack's restart policy, as compose's `restart: unless-stopped`: keeps ONE service process
# running. start.sh starts one supervisor per service process (orders-write-N, reports-read-N, projector-1,
# trace-sink); the supervisor starts the service and, whenever it exits (crash, kill -9, even a clean exit nobody
# asked for), starts it again after a back-off: SUPERVISE_BACKOFF_INITIAL_MS (500) doubling up to
# SUPERVISE_BACKOFF_MAX_MS (10000), back to the initial delay once the process had stayed up
# SUPERVISE_RESET_AFTER_SECONDS (30). It never gives up. So a service killed with SIGKILL after it had run 30 s
# is started again 0.5 s later and is ready once it has booted (a few seconds). Every start runs the same command
# with the same environment (those of npm start): a new build in dist/ is picked up, a changed variable is not.
#
# Usage: supervise.sh NAME -- COMMAND [ARG...]   (from the repository root, with the stack's environment)
#
# Files, under STACK_DIR (lib.sh):
#   pids/NAME.pid          the service's current pid, rewritten at every start: the one truth for status.sh,
#                          stop.sh, restart.sh and tests. While a restart waits out its back-off it still names
#                          the dead process (status shows alive=no).
#   supervisor/NAME.pid    this supervisor's pid.
#   supervisor/NAME.state  restarts=<n> last_exit=<signal KILL|code 1> last_exit_at=<time> pid=<pid>
#                          (what `npm run status` shows).
#   logs/NAME.log          the service's output, and the supervisor's lines about it, e.g.
#                          [supervisor] 2025-01-01T12:00:00 orders-write-2 exited (signal KILL) after 3s; restart #3 in 2s
#   logs/supervisor.log    the same lines for every service.
#
# Stopping: SIGTERM or SIGINT makes the supervisor exit at once WITHOUT touching the service, so stop.sh first
# stops every supervisor, then the services by their pid files: nothing is restarted while the stack stops.
# A supervisor whose pid file is gone or names another process (its folder removed, a newer stack) is no longer
# wanted: it starts nothing more and exits.
# A restart someone asked for (restart.sh): supervisor/NAME.restart exists when the service exits; it is then
# started again at once, without back-off and without counting it as a restart.
set -uo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

name="${1:?usage: supervise.sh NAME -- COMMAND [ARG...]}"
shift
[ "${1:-}" = -- ] && shift
[ "$#" -gt 0 ] || die "supervise.sh $name: no command to run"

initial_ms="${SUPERVISE_BACKOFF_INITIAL_MS:-500}"
max_ms="${SUPERVISE_BACKOFF_MAX_MS:-10000}"
reset_after_ms=$((${SUPERVISE_RESET_AFTER_SECONDS:-30} * 1000))

mkdir -p "$SUPERVISOR_DIR" "$PID_DIR" "$LOG_DIR"
state_file="$SUPERVISOR_DIR/$name.state"
request_file="$SUPERVISOR_DIR/$name.restart"
service_log="$LOG_DIR/$name.log"
write_atomically "$SUPERVISOR_DIR/$name.pid" "$$"
rm -f "$request_file"

# The trap only raises a flag: the loop acts on it between steps, so a stop can never leave a started service
# whose pid is not in its pid file (the pid file is written right after the start, before the flag is read).
stopping=no
trap 'stopping=yes' TERM INT

say() {
  local line
  line="[supervisor] $(printf '%(%Y-%m-%dT%H:%M:%S)T' -1) $name $*"
  printf '%s\n' "$line" >>"$service_log"
  printf '%s\n' "$line" >>"$LOG_DIR/supervisor.log"
}

restarts=0
last_exit=""
last_exit_at=""
delay_ms="$initial_ms"
child=""
save_state() {
  write_atomically "$state_file" "restarts=$restarts
last_exit=$last_exit
last_exit_at=$last_exit_at
pid=$child"
}

exit_unless_wanted() {
  local owner=""
  { read -r owner <"$SUPERVISOR_DIR/$name.pid"; } 2>/dev/null
  [ "$owner" = "$$" ] && return 0
  say "not started again: $SUPERVISOR_DIR/$name.pid is gone or names another supervisor"
  exit 0
}

while :; do
  [ "$stopping" = no ] || exit 0
  exit_unless_wanted
  "$@" </dev/null >>"$service_log" 2>&1 &
  child=$!
  started_ms="$(now_ms)"
  write_atomically "$PID_DIR/$name.pid" "$child"
  save_state

  # wait returns early when a trapped signal arrives; the service is then still running and is left alone.
  while :; do
    [ "$stopping" = no ] || exit 0
    wait "$child" 2>/dev/null # (bash would print "Killed" lines of its own)
    status=$?
    pid_alive "$child" || break
  done
  [ "$stopping" = no ] || exit 0
  exit_unless_wanted

  up_ms=$(($(now_ms) - started_ms))
  if ((status > 128)); then last_exit="signal $(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"; else last_exit="code $status"; fi
  last_exit_at="$(printf '%(%Y-%m-%dT%H:%M:%S)T' -1)"
  if [ -e "$request_file" ]; then
    rm -f "$request_file"
    last_exit="$last_exit, asked"
    say "stopped for a restart ($last_exit, pid $child); starting it again"
    save_state
    continue
  fi
  ((up_ms >= reset_after_ms)) && delay_ms="$initial_ms"
  restarts=$((restarts + 1))
  save_state
  say "exited ($last_exit) after $(seconds "$up_ms"); restart #$restarts in $(seconds "$delay_ms")"
  sleep "$(seconds "$delay_ms")" &
  wait $! || kill "$!" 2>/dev/null # a stop during the back-off ends the sleep too
  delay_ms=$((delay_ms * 2 > max_ms ? max_ms : delay_ms * 2))
done
