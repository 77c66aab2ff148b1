#!/usr/bin/env bash
# The plain-process stack's service accounts, as compose has them: prints `export VAR=value` lines for start.sh
# (`eval "$(bash infra/local/ensure-users.sh)"`, after the migrations), so that
#   - orders-write connects as store_orders (DML only), the projector as store_projector and reports-read as
#     store_reports (SELECT on the tables each reads; infra/mysql/ensure-users.sh grants them), all on the stack's
#     MYSQL_DATABASE, through MYSQL_* / PROJECTOR_MYSQL_* / REPORTS_MYSQL_* (one environment serves every service,
#     so each reader has its own variables);
#   - the relay and the projector connect to RabbitMQ as store_app, allowed only the store's own exchanges and
#     queues (names beginning with store. or projector.), not as the administrator guest.
# Passwords are random, made once per machine user and kept in ~/.local/state/store-manager/service-accounts.env
# (mode 600): the accounts are the machine's (one MariaDB, one RabbitMQ), so every checkout on it must agree on
# them; a file per checkout let two checkouts reset each other's passwords under a running stack.
# Idempotent. Left alone, so the caller's settings win: MySQL when MYSQL_USER is set, each reader's account when
# its <READER>_MYSQL_USER is set, RabbitMQ when AMQP_URL is set; everything when STACK_SERVICE_ACCOUNTS=no.
# Where the machine does not allow it (no passwordless MariaDB root, not root for rabbitmqctl) it says so on
# stderr and prints nothing for that part: the services then keep their defaults.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

[ "${STACK_SERVICE_ACCOUNTS:-yes}" = no ] && exit 0

accounts_file="${STACK_ACCOUNTS_FILE:-${XDG_STATE_HOME:-$HOME/.local/state}/store-manager/service-accounts.env}"
prefix="${STACK_ACCOUNT_PREFIX:-store_}" # tests give their own, so they never touch the stacks' accounts
mkdir -p "$(dirname "$accounts_file")"

# One random password per account, made once (under a lock: stacks may start side by side).
exec {lock}>"$accounts_file.lock"
flock "$lock"
new_password() { od -An -tx1 -N18 /dev/urandom | tr -d ' \n'; }
touch "$accounts_file"
chmod 600 "$accounts_file"
for name in ORDERS_WRITE PROJECTOR REPORTS_READ RABBITMQ; do
  grep -q "^${name}_PASSWORD=" "$accounts_file" || echo "${name}_PASSWORD=$(new_password)" >>"$accounts_file"
done
# shellcheck disable=SC1090 # generated above: NAME_PASSWORD=<hex> lines only
source "$accounts_file"
flock -u "$lock"

if [ -n "${MYSQL_USER:-}" ]; then
  log "MYSQL_USER is set: the services use it, no accounts of their own"
elif MYSQL_ADMIN_USER=root DB_USER_HOSTS='127.0.0.1 localhost' \
  DB_ORDERS_WRITE_USER="${prefix}orders" DB_ORDERS_WRITE_PASSWORD="$ORDERS_WRITE_PASSWORD" \
  DB_PROJECTOR_USER="${prefix}projector" DB_PROJECTOR_PASSWORD="$PROJECTOR_PASSWORD" \
  DB_REPORTS_READ_USER="${prefix}reports" DB_REPORTS_READ_PASSWORD="$REPORTS_READ_PASSWORD" \
  bash "$REPO_ROOT/infra/mysql/ensure-users.sh"; then
  echo "export MYSQL_USER=${prefix}orders MYSQL_PASSWORD=$ORDERS_WRITE_PASSWORD"
  [ -n "${PROJECTOR_MYSQL_USER:-}" ] ||
    echo "export PROJECTOR_MYSQL_USER=${prefix}projector PROJECTOR_MYSQL_PASSWORD=$PROJECTOR_PASSWORD"
  [ -n "${REPORTS_MYSQL_USER:-}" ] ||
    echo "export REPORTS_MYSQL_USER=${prefix}reports REPORTS_MYSQL_PASSWORD=$REPORTS_READ_PASSWORD"
else
  log "warning: could not create the MySQL service accounts; the services use the default account"
fi

# Same rule as infra/rabbitmq/ensure-user.sh (compose): configure, write and read only the store's own names.
store_names='^(store|projector)\.'
rabbit_user="${prefix}app"
if [ -n "${AMQP_URL:-}" ]; then
  log "AMQP_URL is set: the services use it, no RabbitMQ account of their own"
elif ! command -v rabbitmqctl >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  log "warning: rabbitmqctl needs root here; the services use RabbitMQ's default account"
else
  if ! rabbitmqctl -q authenticate_user "$rabbit_user" "$RABBITMQ_PASSWORD" >/dev/null 2>&1; then
    rabbitmqctl -q add_user "$rabbit_user" "$RABBITMQ_PASSWORD" >/dev/null 2>&1 ||
      rabbitmqctl -q change_password "$rabbit_user" "$RABBITMQ_PASSWORD" >/dev/null
  fi
  rabbitmqctl -q set_permissions -p / "$rabbit_user" "$store_names" "$store_names" "$store_names" >/dev/null
  log "RabbitMQ account $rabbit_user (configure/write/read: $store_names)"
  echo "export AMQP_URL=amqp://$rabbit_user:$RABBITMQ_PASSWORD@127.0.0.1:5672"
fi
