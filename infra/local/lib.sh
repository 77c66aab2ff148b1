#!/usr/bin/env bash
# Shared settings of start.sh / stop.sh / status.sh. Every port, count and folder can be overridden from the
# environment, so a second stack (the e2e tier's) can run beside a developer's without colliding.
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.run}"
LOG_DIR="$STACK_DIR/logs"
PID_DIR="$STACK_DIR/pids"

STACK_HOST=127.0.0.1
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
GATEWAY_STATUS_PORT="${GATEWAY_STATUS_PORT:-8081}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
ORDERS_WRITE_BASE_PORT="${ORDERS_WRITE_BASE_PORT:-5001}"
REPORTS_READ_BASE_PORT="${REPORTS_READ_BASE_PORT:-5101}"
PROJECTOR_PORT="${PROJECTOR_PORT:-5201}"
REPLICAS="${REPLICAS:-2}"
ORDERS_WRITE_REPLICAS="${ORDERS_WRITE_REPLICAS:-$REPLICAS}"
REPORTS_READ_REPLICAS="${REPORTS_READ_REPLICAS:-$REPLICAS}"

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
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}
# A pid file can outlive its process (reboot, kill -9 of the stack) and the pid be reused: only signal a pid whose
# command line is one of the programs the stack starts.
pid_ours() { pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -Eq '(^|/)(node|nginx|prometheus)( |:|$)'; }
read_pid() { if [ -f "$PID_DIR/$1.pid" ]; then cat "$PID_DIR/$1.pid"; fi; }

# http_status URL -> prints the status code (000 when nothing answers). Bounded by curl's own timeouts.
http_status() { curl -s -o /dev/null -w '%{http_code}' --connect-timeout 1 --max-time 3 "$1" || true; }
