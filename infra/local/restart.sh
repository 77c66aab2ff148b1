#!/usr/bin/env bash
# `npm run restart`: stop.sh then start.sh (the data is kept: STACK_RESET_DATA=no).
# `npm run restart -- --rolling`: replaces every orders-write and reports-read process one at a time while the
# gateway keeps serving, e.g. to run a new build (it builds first unless STACK_BUILD=no, and migrates). For each:
#   1. the rendered gateway config (<STACK_DIR>/nginx/nginx.conf) marks its server `down` and nginx reloads;
#   2. the reload's old worker processes finish their requests in flight and exit: from then on no nginx
#      worker routes to the process nor holds a connection to it (the new workers never had the server);
#   3. the process is stopped (SIGTERM: it closes its server, lets requests in flight finish, closes its pools);
#      its supervisor (supervise.sh), told by supervisor/NAME.restart, starts it again at once;
#   4. once the new process answers /health/ready, the next step's reload puts its server back.
# The projector and the trace sink are not behind the gateway and are not replaced.
# What clients see: no request reaches a stopping process, and nginx answers no 502 or 503 of its own. A reload does close the
# gateway's idle keep-alive client connections (nginx 1.22 has no keepalive_min_timeout): a keep-alive client
# can find its connection closed before any answer and must retry as HTTP allows (an idempotent request; a POST
# /orders with its Idempotency-Key). The rolling restart reloads nginx once per process, plus once.
# Same environment as npm start (STACK_DIR, ports, replicas). Timeouts: DRAIN_TIMEOUT_SECONDS (30) for old nginx
# workers, STOP_TIMEOUT_SECONDS (15) before SIGKILL, READY_TIMEOUT_SECONDS (90) for the new process.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

case "${1:-}" in
  "") ;;
  --rolling) ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument: $1 (usage: restart.sh [--rolling])" ;;
esac

if [ "${1:-}" != --rolling ]; then
  bash infra/local/stop.sh
  exec env STACK_RESET_DATA=no bash infra/local/start.sh
fi

DRAIN_TIMEOUT_SECONDS="${DRAIN_TIMEOUT_SECONDS:-30}"
STOP_TIMEOUT_SECONDS="${STOP_TIMEOUT_SECONDS:-15}"
READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-90}"
nginx_prefix="$STACK_DIR/nginx"
nginx_conf="$nginx_prefix/nginx.conf"
host_pattern="${STACK_HOST//./\\.}"

# --- the stack must be whole and healthy: a rolling restart replaces processes, it does not repair a stack ------
if [ ! -f "$nginx_conf" ] || ! pid_ours "$(read_pid nginx)"; then
  die "the gateway of $STACK_DIR does not run: npm start (same STACK_DIR and ports) first"
fi
replaced="$(service_instances | grep -E '^(orders-write|reports-read)-')"
while read -r name port; do
  pid_alive "$(supervisor_pid "$name")" || die "$name has no running supervisor: npm stop, then npm start"
  pid_alive "$(read_pid "$name")" || die "$name does not run (npm run status)"
  [ "$(http_status "http://$STACK_HOST:$port/health/ready")" = 200 ] || die "$name is not ready (npm run status)"
  grep -Eq "server $host_pattern:$port " "$nginx_conf" ||
    die "$nginx_conf has no server for $name ($port): run with the environment of npm start"
done <<<"$replaced"
for service in orders-write reports-read; do
  [ "$(grep -c "^$service-" <<<"$replaced")" -gt 1 ] ||
    log "warning: one $service process only: while it is replaced, the gateway answers 503 UNAVAILABLE for it"
done

# One rolling restart at a time; a lock left by a dead one is taken over.
lock="$STACK_DIR/restart.lock"
if [ -f "$lock" ] && pid_alive "$(cat "$lock")"; then die "a restart of $STACK_DIR runs already (pid $(cat "$lock"))"; fi
echo "$$" >"$lock"

# Marks the server on PORT down (none when empty) in the rendered config; every other server is routed to.
route_all_but() { # port|""
  local args=(-e "s/(server [^;]*) down;/\\1;/g")
  [ -z "$1" ] || args+=(-e "s/(server $host_pattern:$1 [^;]*);/\\1 down;/")
  sed -E -i "${args[@]}" "$nginx_conf"
  [ -z "$1" ] || grep -Eq "server $host_pattern:$1 [^;]* down;" "$nginx_conf" || die "could not mark $1 down"
}

# The pids of PID's child processes (from /proc: no procps needed).
children_of() { # pid
  local file stat
  for file in /proc/[0-9]*/stat; do
    { read -r stat <"$file"; } 2>/dev/null || continue
    stat="${stat##*) }" # "<state> <ppid> ..." after the command name
    stat="${stat#* }"
    if [ "${stat%% *}" = "$1" ]; then
      file="${file#/proc/}"
      echo "${file%/stat}"
    fi
  done
  return 0
}

# Reloads nginx and waits until every worker of the old configuration has exited (old workers finish the
# requests they hold, then go): only then does no process of nginx route to a server taken out.
reload_gateway() {
  local master old pid deadline
  master="$(read_pid nginx)"
  nginx -q -t -p "$nginx_prefix" -c "$nginx_conf" 2>>"$LOG_DIR/nginx-error.log" ||
    die "nginx -t failed on $nginx_conf"
  old="$(children_of "$master")"
  kill -HUP "$master"
  deadline=$((SECONDS + DRAIN_TIMEOUT_SECONDS))
  for pid in $old; do
    while pid_alive "$pid"; do
      [ "$SECONDS" -lt "$deadline" ] ||
        die "nginx worker $pid of the old configuration still runs after ${DRAIN_TIMEOUT_SECONDS}s"
      sleep 0.1
    done
  done
}

# On failure or interruption the gateway routes to every server again (nginx's passive checks skip one that does
# not answer) and no restart request is left for a supervisor to misread later.
restore_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && pid_ours "$(read_pid nginx)"; then
    log "rolling restart failed: routing to every server again"
    if route_all_but "" && nginx -q -t -p "$nginx_prefix" -c "$nginx_conf"; then kill -HUP "$(read_pid nginx)"; fi
  fi
  rm -f "$lock" "$SUPERVISOR_DIR"/*.restart
}
trap restore_on_failure EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_and_migrate

# Waits until NAME runs as a new process (not OLD_PID) that answers /health/ready; sets new_pid. (No command
# substitution around it: a signal to this script is acted on between its short steps.)
wait_replaced() { # name port old-pid
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS)) pid restarts
  restarts="$(supervisor_state "$1" restarts)"
  while :; do
    pid="$(read_pid "$1")"
    if [ "$pid" != "$3" ] && pid_alive "$pid" &&
      [ "$(http_status "http://$STACK_HOST:$2/health/ready")" = 200 ]; then
      new_pid="$pid"
      return 0
    fi
    [ "$(supervisor_state "$1" restarts)" = "$restarts" ] ||
      die "$1 exited after its restart (last lines: tail $LOG_DIR/$1.log)"
    [ "$SECONDS" -lt "$deadline" ] || die "$1 not ready ${READY_TIMEOUT_SECONDS}s after its restart"
    sleep 0.2
  done
}

# fd 3: nothing in the loop can read the list by mistake.
while read -r name port <&3; do
  started="$(now_ms)"
  old_pid="$(read_pid "$name")"
  route_all_but "$port"
  reload_gateway
  log "$name: out of the gateway ($(seconds $(($(now_ms) - started)))); stopping pid $old_pid"
  : >"$SUPERVISOR_DIR/$name.restart"
  kill -TERM "$old_pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
  while pid_alive "$old_pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if pid_alive "$old_pid"; then
    log "$name: pid $old_pid still alive after ${STOP_TIMEOUT_SECONDS}s: SIGKILL"
    kill -KILL "$old_pid" 2>/dev/null || true
  fi
  wait_replaced "$name" "$port" "$old_pid"
  log "$name: pid $old_pid -> $new_pid, ready ($(seconds $(($(now_ms) - started))))"
done 3<<<"$replaced"
route_all_but ""
reload_gateway
log "rolling restart done: every orders-write and reports-read process replaced"
trap - EXIT
rm -f "$lock"
bash infra/local/status.sh
