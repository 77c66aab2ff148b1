#!/usr/bin/env bash
# `npm start`: the plain-process twin of docker-compose.yml. Makes sure MariaDB/Redis/RabbitMQ run, installs
# nginx and prometheus when missing, builds, migrates, then starts the trace sink (unless OTEL_SDK_DISABLED=true),
# orders-write ×N, reports-read ×N, the projector, nginx (gateway) and Prometheus, each from <STACK_DIR> with its
# pid in pids/ and its output in logs/ (traces in logs/traces/, read by `npm run traces`).
# The trace sink and the services run under supervise.sh (one supervisor each, restart with back-off when they
# die, as compose's restart: unless-stopped); nginx and Prometheus do not.
# Waits (bounded) for every service's /health/ready; a service that exits before it is ready fails the start. On
# any failure it prints the log tail and stops what it started. MariaDB/Redis/RabbitMQ are shared machine
# services: stop.sh never stops them.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-90}"
STACK_PROMETHEUS="${STACK_PROMETHEUS:-yes}"

# Idempotent: a whole stack already running from STACK_DIR is left as it is; a partial one must be stopped first.
alive=0
total=0
for name in $(tracing_enabled && echo trace-sink) $(service_instances | cut -d' ' -f1) nginx; do
  total=$((total + 1))
  if pid_alive "$(read_pid "$name")"; then alive=$((alive + 1)); fi
done
if [ "$alive" -eq "$total" ]; then
  log "the stack in $STACK_DIR is already running (switches apply only to a new start: npm stop first)"
  exec bash "$REPO_ROOT/infra/local/status.sh" --urls
elif [ "$alive" -gt 0 ]; then
  die "$alive of $total processes of $STACK_DIR still run: npm stop (same STACK_DIR) before npm start"
fi
mkdir -p "$LOG_DIR" "$PID_DIR" "$SUPERVISOR_DIR"

started=no
on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$started" = yes ]; then
    log "start failed: stopping what was started"
    bash "$REPO_ROOT/infra/local/stop.sh" || true
  fi
}
trap on_exit EXIT

# --- machine services and tools -------------------------------------------------------------------------------
bash infra/local/ensure-services.sh
bash infra/local/install-tools.sh
if command -v rabbitmq-plugins >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  enabled="$(rabbitmq-plugins list -e -m 2>/dev/null || true)"
  if ! grep -qx rabbitmq_management <<<"$enabled" || ! grep -qx rabbitmq_prometheus <<<"$enabled"; then
    log "enabling RabbitMQ management and prometheus plugins"
    rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null ||
      log "warning: could not enable the RabbitMQ plugins (console :15672 and metrics :15692 will be missing)"
  fi
fi

if [ "${STACK_RESET_DATA:-no}" = yes ]; then bash infra/local/reset-data.sh; fi

# --- build and migrate ----------------------------------------------------------------------------------------
build_and_migrate
eval "$(bash infra/local/ensure-users.sh)" # each service's own MySQL and RabbitMQ account (needs the tables)

fail_with_log() { # name reason
  log "$1 $2; last lines of $LOG_DIR/$1.log:"
  tail -n 25 "$LOG_DIR/$1.log" >&2 || true
  exit 1
}
started=yes

# Starts NAME under its supervisor (supervise.sh), which writes pids/NAME.pid once the process runs.
start_supervised() { # name command...
  local name="$1"
  shift
  rm -f "$PID_DIR/$name.pid" "$SUPERVISOR_DIR/$name".{state,restart}
  nohup bash infra/local/supervise.sh "$name" -- "$@" </dev/null >>"$LOG_DIR/supervisor.log" 2>&1 &
  # nohup execs bash: the same pid the supervisor writes itself, written here too so no check ever misses it
  write_atomically "$SUPERVISOR_DIR/$name.pid" "$!"
}
# Still starting well: its supervisor runs and has seen no exit (a crash at start is not waited out in back-off).
starting_well() { # name
  pid_alive "$(supervisor_pid "$1")" && [ -z "$(supervisor_state "$1" last_exit)" ]
}

# --- trace sink: started first, so that no service's first spans are lost ------------------------------------
if tracing_enabled; then
  log "starting trace-sink on $STACK_HOST:$TRACE_SINK_PORT (traces in $TRACE_DIR)"
  start_supervised trace-sink env NODE_ENV=production TRACE_SINK_HOST="$STACK_HOST" \
    TRACE_SINK_PORT="$TRACE_SINK_PORT" TRACE_SINK_DIR="$TRACE_DIR" node tools/traces/dist/src/sink.js
  # The same bound as the services' readiness: on a busy machine node takes more than a few seconds to boot.
  deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until [ "$(http_status "http://$STACK_HOST:$TRACE_SINK_PORT/health")" = 200 ]; do
    starting_well trace-sink || fail_with_log trace-sink "exited during start"
    [ "$SECONDS" -lt "$deadline" ] ||
      fail_with_log trace-sink "does not answer on $TRACE_SINK_PORT after ${READY_TIMEOUT_SECONDS}s"
    sleep 0.2
  done
else
  log "OTEL_SDK_DISABLED=true: no tracing, no trace sink"
fi

# --- services ------------------------------------------------------------------------------------------------
# Tracing is loaded before the app (--require); its settings are the OTEL_* lines of otel_env (lib.sh).
while read -r name port; do
  service="${name%-*}"
  mapfile -t otel < <(otel_env "$service" "$name")
  log "starting $name on $STACK_HOST:$port"
  start_supervised "$name" env "${otel[@]}" NODE_ENV=production HOST="$STACK_HOST" PORT="$port" \
    MIGRATE_ON_START=false node --require @store/observability/register "services/$service/dist/src/main.js"
done < <(service_instances)

deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
waiting="$(service_instances)"
while [ -n "$waiting" ]; do
  still=""
  while read -r name port; do
    starting_well "$name" || fail_with_log "$name" "exited during start"
    if [ "$(http_status "http://$STACK_HOST:$port/health/ready")" != 200 ]; then still+="$name $port"$'\n'; fi
  done <<<"$waiting"
  waiting="${still%$'\n'}"
  if [ -n "$waiting" ] && [ "$SECONDS" -ge "$deadline" ]; then
    fail_with_log "${waiting%% *}" "not ready after ${READY_TIMEOUT_SECONDS}s (GET /health/ready)"
  fi
  [ -z "$waiting" ] || sleep 0.5
done
log "all services ready"

# --- gateway -------------------------------------------------------------------------------------------------
rm -rf "$STACK_DIR/nginx/cache" # a new stack starts with an empty gateway cache
nginx_conf="$(bash infra/local/render-nginx.sh)"
nginx -q -t -p "$STACK_DIR/nginx" -c "$nginx_conf" || die "nginx -t failed on $nginx_conf"
nginx -p "$STACK_DIR/nginx" -c "$nginx_conf" 2>>"$LOG_DIR/nginx-error.log" ||
  fail_with_log nginx-error "did not start"
for _ in $(seq 1 50); do
  [ "$(http_status "http://$STACK_HOST:$GATEWAY_PORT/health-check")" = 200 ] && break
  sleep 0.2
done
[ "$(http_status "http://$STACK_HOST:$GATEWAY_PORT/health-check")" = 200 ] ||
  fail_with_log nginx-error "gateway does not answer on $GATEWAY_PORT"

# --- prometheus ----------------------------------------------------------------------------------------------
if [ "$STACK_PROMETHEUS" = yes ]; then
  prometheus_conf="$(bash infra/local/render-prometheus.sh)"
  promtool check config "$prometheus_conf" >/dev/null || die "promtool check config failed on $prometheus_conf"
  nohup prometheus --config.file="$prometheus_conf" --storage.tsdb.path="$STACK_DIR/prometheus/data" \
    --web.listen-address="$STACK_HOST:$PROMETHEUS_PORT" --storage.tsdb.retention.time=2d \
    </dev/null >>"$LOG_DIR/prometheus.log" 2>&1 &
  echo $! >"$PID_DIR/prometheus.pid"
  for _ in $(seq 1 60); do
    [ "$(http_status "http://$STACK_HOST:$PROMETHEUS_PORT/-/ready")" = 200 ] && break
    pid_alive "$(read_pid prometheus)" || fail_with_log prometheus "exited during start"
    sleep 0.5
  done
  [ "$(http_status "http://$STACK_HOST:$PROMETHEUS_PORT/-/ready")" = 200 ] ||
    fail_with_log prometheus "not ready on $PROMETHEUS_PORT"
fi

trap - EXIT
bash infra/local/status.sh --urls
