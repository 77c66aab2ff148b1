#!/usr/bin/env bash
# `npm stop`: stops exactly the processes start.sh started, by their pid files (never by name): SIGTERM, then
# SIGKILL after STOP_TIMEOUT_SECONDS. The supervisors (supervise.sh) go first, so that nothing is restarted while
# the stack stops; the services' pid files are read only once they are gone. The trace sink goes last, once the
# services have flushed their last spans into it. Removes the pid files. MariaDB, Redis and RabbitMQ are shared
# machine services and are left running. Safe to run again.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

STOP_TIMEOUT_SECONDS="${STOP_TIMEOUT_SECONDS:-15}"
[ -d "$PID_DIR" ] || [ -d "$SUPERVISOR_DIR" ] || {
  log "nothing to stop in $STACK_DIR"
  exit 0
}

stopped=0
stop_processes() { # what pid-files...: signal them all, then wait for them together
  local what="$1" file pid pids=()
  shift
  for file in "$@"; do
    [ -e "$file" ] || continue
    pid="$(cat "$file")"
    if pid_alive "$pid" && ! pid_ours "$pid"; then
      log "pid $pid of $(basename "$file") is no longer the stack's process: not signalled"
    elif pid_alive "$pid"; then
      log "stopping $what$(basename "$file" .pid) (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
  for pid in "${pids[@]}"; do
    while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if pid_alive "$pid"; then
      log "pid $pid still alive after ${STOP_TIMEOUT_SECONDS}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  stopped=$((stopped + ${#pids[@]}))
}

# A supervisor exits at once on SIGTERM and leaves its service running (supervise.sh).
supervisors=()
for file in "$SUPERVISOR_DIR"/*.pid; do [ -e "$file" ] && supervisors+=("$file"); done
stop_processes "the supervisor of " "${supervisors[@]}"
rm -rf "$SUPERVISOR_DIR"

files=()
for file in "$PID_DIR"/*.pid; do
  [ -e "$file" ] && [ "$file" != "$PID_DIR/trace-sink.pid" ] && files+=("$file")
done
stop_processes "" "${files[@]}"
stop_processes "" "$PID_DIR/trace-sink.pid"
# nginx removes its own pid file on exit; the others are ours to remove.
rm -f "${files[@]}" "$PID_DIR/trace-sink.pid"
log "stopped $stopped process(es) of $STACK_DIR"
