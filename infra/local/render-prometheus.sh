#!/usr/bin/env bash
# Renders the local stack's Prometheus config (<STACK_DIR>/prometheus/prometheus.yml): the same jobs as the root
# prometheus.yml (compose), with static targets instead of DNS discovery. Not here: nginx (its stub_status is text
# Prometheus cannot read, and the local stack runs no exporter for it; Debian packages one,
# prometheus-nginx-exporter, if it is ever wanted) and the OTel collector (the local stack has none: its traces go
# to the project's own OTLP sink). PROMETHEUS_SCRAPE_INTERVAL (5s) is shorter for npm run experiments, whose ramp
# steps last seconds. Prints the rendered file's path.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

targets() { # base-port count
  local i sep=""
  for ((i = 0; i < $2; i++)); do
    printf '%s"%s:%s"' "$sep" "$STACK_HOST" "$(($1 + i))"
    sep=", "
  done
}

dir="$STACK_DIR/prometheus"
mkdir -p "$dir/data"
cat >"$dir/prometheus.yml" <<YAML
# Rendered by infra/local/render-prometheus.sh for the stack in $STACK_DIR; edit the script, not this file.
global:
  scrape_interval: ${PROMETHEUS_SCRAPE_INTERVAL:-5s}
  evaluation_interval: 15s
  external_labels:
    stack: local

scrape_configs:
  - job_name: orders-write
    static_configs:
      - targets: [$(targets "$ORDERS_WRITE_BASE_PORT" "$ORDERS_WRITE_REPLICAS")]
  - job_name: reports-read
    static_configs:
      - targets: [$(targets "$REPORTS_READ_BASE_PORT" "$REPORTS_READ_REPLICAS")]
  - job_name: projector
    static_configs:
      - targets: ["$STACK_HOST:$PROJECTOR_PORT"]
  - job_name: rabbitmq
    static_configs:
      - targets: ["$STACK_HOST:${RABBITMQ_PROMETHEUS_PORT:-15692}"]
  - job_name: rabbitmq-queues
    metrics_path: /metrics/detailed
    params:
      family: [queue_coarse_metrics]
    static_configs:
      - targets: ["$STACK_HOST:${RABBITMQ_PROMETHEUS_PORT:-15692}"]
  - job_name: prometheus
    static_configs:
      - targets: ["$STACK_HOST:$PROMETHEUS_PORT"]
YAML
echo "$dir/prometheus.yml"
