#!/usr/bin/env bash
# Gives a stack that owns its data a clean slate: drops its MySQL database, deletes its Redis keys (by
# REDIS_KEY_PREFIX) and deletes its RabbitMQ queues (they are declared again at start). start.sh runs it when
# STACK_RESET_DATA=yes (the e2e tier does). It refuses the default names, which belong to the developer's stack.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

database="${MYSQL_DATABASE:-store_manager}"
prefix="${REDIS_KEY_PREFIX:-}"
queue="${PROJECTOR_QUEUE:-projector.orders}"
dead_letter="${DEAD_LETTER_QUEUE:-projector.orders.dead-letter}"
if [ "$database" = store_manager ] || [ -z "$prefix" ] || [ "$queue" = projector.orders ]; then
  die "reset-data refuses the default database, Redis prefix or queue: set MYSQL_DATABASE, REDIS_KEY_PREFIX and PROJECTOR_QUEUE"
fi
[[ "$database" =~ ^[A-Za-z0-9_]+$ ]] || die "unexpected database name: $database"

log "dropping database $database"
mysql -h "${MYSQL_HOST:-127.0.0.1}" -P "${MYSQL_PORT:-3306}" -u "${MYSQL_USER:-root}" \
  ${MYSQL_PASSWORD:+"-p$MYSQL_PASSWORD"} -e "DROP DATABASE IF EXISTS \`$database\`"

log "deleting Redis keys ${prefix}*"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
redis-cli -u "$redis_url" --scan --pattern "${prefix}*" | xargs -r -n 500 redis-cli -u "$redis_url" DEL >/dev/null

if command -v rabbitmqctl >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  log "deleting queues $queue and $dead_letter"
  for name in "$queue" "$dead_letter"; do rabbitmqctl -q delete_queue "$name" >/dev/null 2>&1 || true; done
fi
