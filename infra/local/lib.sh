#!/usr/bin/env bash
# Shared settings of start.sh / stop.sh / status.sh. Every port, count and folder can be overridden from the
# environment, so a second stack (the e2e tier's) can run beside a developer's without colliding.
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The project's own Node (node_modules/.bin/node, Node 24 from the npm registry) first, also when a script here is
# run by hand rather than through npm; node-runtime.cjs says clearly what to do when it is missing or too old.
PATH="$REPO_ROOT/node_modules/.bin:$PATH"
node "$REPO_ROOT/infra/node-runtime.cjs" || exit 1
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.run}"
LOG_DIR="$STACK_DIR/logs"
PID_DIR="$STACK_DIR/pids"
SUPERVISOR_DIR="$STACK_DIR/supervisor" # supervise.sh: its own pid, state and restart requests per service

STACK_HOST=127.0.0.1
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
GATEWAY_STATUS_PORT="${GATEWAY_STATUS_PORT:-8081}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
ORDERS_WRITE_BASE_PORT="${ORDERS_WRITE_BASE_PORT:-5001}"
REPORTS_READ_BASE_PORT="${REPORTS_READ_BASE_PORT:-5101}"
PROJECTOR_PORT="${PROJECTOR_PORT:-5201}"
TRACE_SINK_PORT="${TRACE_SINK_PORT:-4318}"
TRACE_DIR="$LOG_DIR/traces"
REPLICAS="${REPLICAS:-2}"
ORDERS_WRITE_REPLICAS="${ORDERS_WRITE_REPLICAS:-$REPLICAS}"
REPORTS_READ_REPLICAS="${REPORTS_READ_REPLICAS:-$REPLICAS}"

# Tracing is on unless OTEL_SDK_DISABLED=true: the services export to the stack's own OTLP sink (trace-sink).
tracing_enabled() { [ "${OTEL_SDK_DISABLED:-false}" != true ]; }

# The tracing settings of one service process (name e.g. orders-write-1), one VAR=value line each, in the standard
# OTEL_* variables only (read by packages/observability/src/register.ts). Each can be overridden from the
# environment; OTEL_RESOURCE_ATTRIBUTES given there is kept and the instance id added to it.
# The sampler keeps 10 % of the traces begun at the services (nginx begins none) and, parent-based, the whole of
# each kept trace across the outbox and the queue. Lower the cost or raise the detail here, after measuring.
otel_env() { # service name
  local attributes="${OTEL_RESOURCE_ATTRIBUTES:-}"
  case "$attributes" in *service.instance.id=*) ;; *) attributes="${attributes:+$attributes,}service.instance.id=$2" ;; esac
  printf '%s\n' \
    "OTEL_SERVICE_NAME=${OTEL_SERVICE_NAME:-$1}" \
    "OTEL_RESOURCE_ATTRIBUTES=$attributes" \
    "OTEL_TRACES_EXPORTER=${OTEL_TRACES_EXPORTER:-otlp}" \
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=${OTEL_EXPORTER_OTLP_TRACES_PROTOCOL:-http/json}" \
    "OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT:-http://$STACK_HOST:$TRACE_SINK_PORT}" \
    "OTEL_TRACES_SAMPLER=${OTEL_TRACES_SAMPLER:-parentbased_traceidratio}" \
    "OTEL_TRACES_SAMPLER_ARG=${OTEL_TRACES_SAMPLER_ARG:-0.1}"
}

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# The processes of the stack, one "name port" line each; pid and log files are named after the name.
service_instances() {
  local i
  for ((i = 0; i < ORDERS_WRITE_REPLICAS; i++)); do echo "orders-write-$((i + 1)) $((ORDERS_WRITE_BASE_PORT + i))"; done
  for ((i = 0; i < REPORTS_READ_REPLICAS; i++)); do echo "reports-read-$((i + 1)) $((REPORTS_READ_BASE_PORT + i))"; done
  echo "projector-1 $PROJECTOR_PORT"
}

# A killed process whose parent is gone may stay a zombie (when pid 1 does not reap it): that counts as dead.
# The state is read after the ")" ending the command name; a process reaped meanwhile has no stat: dead too.
pid_alive() {
  local stat
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  [ -n "$stat" ] && [ "${stat%% *}" != Z ]
}
# A pid file can outlive its process (reboot, kill -9 of the stack) and the pid be reused: only signal a pid whose
# command line is one of the programs the stack starts (a supervisor is bash running supervise.sh).
pid_ours() {
  pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null |
    grep -Eq '(^|/)(node|nginx|prometheus)( |:|$)|/supervise\.sh '
}
# Pid and state files are read while they are written (start.sh polls a supervisor that is writing its own pid):
# a plain `>` truncates first, and a reader in that instant saw an empty pid, took the supervisor for dead and
# failed the start ("exited during start", before the service had a log). A rename is atomic: a reader sees the
# old content or the new, never none.
write_atomically() { # file content
  printf '%s\n' "$2" >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}
read_pid() { if [ -f "$PID_DIR/$1.pid" ]; then cat "$PID_DIR/$1.pid"; fi; }
# A supervised process (supervise.sh): its supervisor's pid, and one value of its state file (restarts, last_exit,
# last_exit_at, pid).
supervisor_pid() { if [ -f "$SUPERVISOR_DIR/$1.pid" ]; then cat "$SUPERVISOR_DIR/$1.pid"; fi; }
supervisor_state() { if [ -f "$SUPERVISOR_DIR/$1.state" ]; then sed -n "s/^$2=//p" "$SUPERVISOR_DIR/$1.state"; fi; }

# Builds (unless STACK_BUILD=no), checks the programs are there and migrates the stack's database. Used by
# start.sh and by restart.sh (a rolling restart starts the processes from the new dist/).
build_and_migrate() {
  (
    cd "$REPO_ROOT" || exit 1
    if [ "${STACK_BUILD:-yes}" = yes ]; then
      log "building (npx tsc -b)"
      npx tsc -b || die "build failed (npx tsc -b); fix it or run with STACK_BUILD=no to use the existing dist/"
    fi
    for program in services/{orders-write,reports-read,projector}/dist/src/main.js tools/traces/dist/src/sink.js; do
      [ -f "$program" ] || die "$program is missing: build first"
    done
    log "migrating database ${MYSQL_DATABASE:-store_manager}"
    mkdir -p "$LOG_DIR"
    node services/orders-write/dist/src/entry-points/cli/migrate.js >>"$LOG_DIR/migrate.log" 2>&1 ||
      {
        tail -n 20 "$LOG_DIR/migrate.log" >&2
        die "migration failed (log: $LOG_DIR/migrate.log)"
      }
  )
}

# Wall-clock milliseconds, and a duration in ms as "0.5s" / "2s" for logs.
now_ms() {
  local t="${EPOCHREALTIME//[!0-9]/}"
  echo $((t / 1000))
}
seconds() {
  if (($1 % 1000)); then printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); else printf '%ds' $(($1 / 1000)); fi
}

# http_status URL -> prints the status code (000 when nothing answers). Bounded by curl's own timeouts.
http_status() { curl -s -o /dev/null -w '%{http_code}' --connect-timeout 1 --max-time 3 "$1" || true; }
# The "node" field of a service's /health/live (e.g. v24.22.3), or "-".
node_version_of() { # base url
  curl -s --connect-timeout 1 --max-time 3 "$1/health/live" | sed -n 's/.*"node":"\([^"]*\)".*/\1/p' | grep . || echo -
}
