#!/usr/bin/env bash
# Each service's own MySQL account with only what it needs, on one database. Idempotent: creates a missing
# account, sets its password, grants (never revokes: other databases' grants of the same account stay). Run it
# AFTER the migrations: table grants need the tables. Both stacks run this one script:
#   - compose: the one-shot `db-users` service (mysql image), after the one-shot `migrate`;
#   - plain processes: infra/local/ensure-users.sh, after start.sh migrated.
# Accounts (the names and passwords come from the environment, never from here):
#   orders-write  SELECT, INSERT, UPDATE, DELETE on the database (it owns the schema; no DDL: migrations are a
#                 deployment step run with the admin account)
#   projector     SELECT on outbox, orders, order_items (rebuild replays the outbox; reconcile sums the orders)
#   reports-read  SELECT on users, products, orders, order_items (REPORTS_SOURCE=mysql)
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306), MYSQL_DATABASE (store_manager), MYSQL_ADMIN_USER (root),
# MYSQL_ADMIN_PASSWORD (empty), DB_USER_HOSTS (hosts the accounts may connect from, space-separated; '%'),
# DB_ORDERS_WRITE_USER / _PASSWORD, DB_PROJECTOR_USER / _PASSWORD, DB_REPORTS_READ_USER / _PASSWORD (required).
set -euo pipefail

log() { printf '[ensure-users] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

database="${MYSQL_DATABASE:-store_manager}"
[[ "$database" =~ ^[A-Za-z0-9_]+$ ]] || die "unexpected database name: $database"
read -r -a hosts <<<"${DB_USER_HOSTS:-%}"

# A SQL string literal: backslashes and quotes escaped.
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }

account_sql() { # user password grant...
  local user="$1" password="$2" host grant
  shift 2
  [[ "$user" =~ ^[A-Za-z0-9_]{1,32}$ ]] || die "unexpected account name: $user"
  [ -n "$password" ] || die "no password for $user"
  for host in "${hosts[@]}"; do
    local account
    account="'$user'@$(literal "$host")"
    echo "CREATE USER IF NOT EXISTS $account IDENTIFIED BY $(literal "$password");"
    echo "ALTER USER $account IDENTIFIED BY $(literal "$password");"
    for grant in "$@"; do echo "GRANT $grant TO $account;"; done
  done
}

table_grants() { # privilege table...
  local privilege="$1" table
  shift
  for table in "$@"; do echo "$privilege ON \`$database\`.\`$table\`"; done
}

sql="$(
  account_sql "${DB_ORDERS_WRITE_USER:?}" "${DB_ORDERS_WRITE_PASSWORD:?}" \
    "SELECT, INSERT, UPDATE, DELETE ON \`$database\`.*"
  mapfile -t projector < <(table_grants SELECT outbox orders order_items)
  account_sql "${DB_PROJECTOR_USER:?}" "${DB_PROJECTOR_PASSWORD:?}" "${projector[@]}"
  mapfile -t reports < <(table_grants SELECT users products orders order_items)
  account_sql "${DB_REPORTS_READ_USER:?}" "${DB_REPORTS_READ_PASSWORD:?}" "${reports[@]}"
)"

log "accounts $DB_ORDERS_WRITE_USER, $DB_PROJECTOR_USER, $DB_REPORTS_READ_USER on $database (hosts: ${hosts[*]})"
# The admin password goes through the environment, never the command line (ps would show it).
MYSQL_PWD="${MYSQL_ADMIN_PASSWORD:-}" mysql --protocol=TCP -h "${MYSQL_HOST:-127.0.0.1}" -P "${MYSQL_PORT:-3306}" \
  -u "${MYSQL_ADMIN_USER:-root}" --batch <<<"$sql" ||
  die "could not set up the accounts (run it after the migrations: the table grants need the tables)"
