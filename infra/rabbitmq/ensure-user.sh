#!/bin/sh
# Compose's one-shot `rabbitmq-users`: the services' own RabbitMQ account, through the management API of the
# `rabbitmq` container with rabbitmqadmin v2 (the rabbitmq:4 management images ship it instead of v1's Python
# script: flags are --name-style and the global ones come before the command). Idempotent: declaring a user sets
# its password; declaring a permission replaces it. The account may configure, write and read only the
# store's own exchanges and queues (names beginning with store. or projector.), nothing of the vhost besides;
# the administrator (RABBITMQ_DEFAULT_USER) stays for the console. Same rule as infra/local/ensure-users.sh.
# Environment: RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS (admin), RABBITMQ_APP_USER / RABBITMQ_APP_PASS.
set -eu
names='^(store|projector)\.'
admin() {
  rabbitmqadmin --non-interactive --host rabbitmq --port 15672 --username "$RABBITMQ_DEFAULT_USER" \
    --password "$RABBITMQ_DEFAULT_PASS" "$@"
}
# The broker answers AMQP (its healthcheck) a moment before the management API.
tries=0
until admin list vhosts >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "the management API of rabbitmq did not answer" >&2; exit 1; }
  sleep 1
done
admin declare user --name "$RABBITMQ_APP_USER" --password "$RABBITMQ_APP_PASS" --tags ''
admin --vhost / declare permissions --user "$RABBITMQ_APP_USER" --configure "$names" --write "$names" --read "$names"
echo "RabbitMQ account $RABBITMQ_APP_USER: configure/write/read $names"
