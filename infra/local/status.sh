#!/usr/bin/env bash
# `npm run status`: every process of the local stack with its pid, whether it is alive and whether it is ready;
# for a supervised one (supervise.sh) also whether its supervisor runs, how often it restarted the process and how
# the process last exited (e.g. "signal KILL 12:00:01"). With --urls (used by start.sh) it prints the table of
# URLs too.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

row() { printf '%-16s %-8s %-6s %-6s %-9s %-11s %-9s %-22s %s\n' "$@"; }
check() { # name url
  local pid alive=no ready=no node=- supervisor=- restarts=- last_exit=-
  pid="$(read_pid "$1")"
  pid_alive "$pid" && alive=yes
  [ "$alive" = yes ] && [ "$(http_status "$2")" = 200 ] && ready=yes
  # The Node a service process runs on (its /health/live says), so a stack on the wrong runtime shows at a glance.
  case "$2" in */health/ready) [ "$alive" = yes ] && node="$(node_version_of "${2%/health/ready}")" ;; esac
  if [ -f "$SUPERVISOR_DIR/$1.pid" ]; then
    supervisor=dead
    pid_alive "$(supervisor_pid "$1")" && supervisor=running
    restarts="$(supervisor_state "$1" restarts)"
    last_exit="$(supervisor_state "$1" last_exit)"
    [ -z "$last_exit" ] || last_exit="$last_exit $(supervisor_state "$1" last_exit_at | cut -dT -f2)"
  fi
  row "$1" "${pid:--}" "$alive" "$ready" "${node:--}" "$supervisor" "${restarts:-0}" "${last_exit:--}" "$2"
}

echo "stack in $STACK_DIR (logs: $LOG_DIR; restarts: $LOG_DIR/supervisor.log)"
row process pid alive ready node supervisor restarts "last exit" "checked at"
while read -r name port; do
  check "$name" "http://$STACK_HOST:$port/health/ready"
done < <(service_instances)
check nginx "http://$STACK_HOST:$GATEWAY_PORT/health-check"
[ -f "$PID_DIR/prometheus.pid" ] && check prometheus "http://$STACK_HOST:$PROMETHEUS_PORT/-/ready"
[ -f "$PID_DIR/trace-sink.pid" ] && check trace-sink "http://$STACK_HOST:$TRACE_SINK_PORT/health"

if [ "${1:-}" = --urls ]; then
  # Rows of the optional processes, each with its line break, so that an absent one leaves no blank line.
  optional=""
  [ -f "$PID_DIR/prometheus.pid" ] && optional+="  Prometheus             http://$STACK_HOST:$PROMETHEUS_PORT"$'\n'
  [ -f "$PID_DIR/trace-sink.pid" ] &&
    optional+="  traces (OTLP sink)     http://$STACK_HOST:$TRACE_SINK_PORT/v1/traces -> $TRACE_DIR (npm run traces)"$'\n'
  cat <<TABLE

  gateway (use this)     http://$STACK_HOST:$GATEWAY_PORT   (reports: /orders/reports/highest-spenders)
  gateway status         http://$STACK_HOST:$GATEWAY_STATUS_PORT/nginx_status
  orders-write           http://$STACK_HOST:$ORDERS_WRITE_BASE_PORT .. +$((ORDERS_WRITE_REPLICAS - 1))
  reports-read           http://$STACK_HOST:$REPORTS_READ_BASE_PORT .. +$((REPORTS_READ_REPLICAS - 1))
  projector (admin)      http://$STACK_HOST:$PROJECTOR_PORT/health/ready
${optional}  RabbitMQ console       http://$STACK_HOST:15672 (guest/guest)
  logs                   $LOG_DIR
  stop                   npm stop$([ "$STACK_DIR" = "$REPO_ROOT/.run" ] || echo " (with STACK_DIR=$STACK_DIR and the same ports)")
TABLE
fi
