#!/usr/bin/env bash
# Renders the repository's nginx.conf template for the local stack: writes <STACK_DIR>/nginx/nginx.conf with this
# stack's ports, upstream servers, paths and switches. Same template as compose; no second copy of the config.
# Usage: render-nginx.sh  (reads the same environment as start.sh; prints the rendered file's path)
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "$0")/lib.sh"

command -v envsubst >/dev/null 2>&1 || die "envsubst is missing (Debian package gettext-base)"

servers() { # base-port count
  local i
  for ((i = 0; i < $2; i++)); do printf 'server %s:%s max_fails=1 fail_timeout=5s; ' "$STACK_HOST" "$(($1 + i))"; done
}

case "${GATEWAY_CACHE:-on}" in on | off) ;; *) die "GATEWAY_CACHE must be on or off" ;; esac

nginx_dir="$STACK_DIR/nginx"
mkdir -p "$nginx_dir/temp" "$nginx_dir/cache" "$LOG_DIR" "$PID_DIR"

export GW_LISTEN="$STACK_HOST:$GATEWAY_PORT"
export GW_STATUS_LISTEN="$STACK_HOST:$GATEWAY_STATUS_PORT"
export GW_PID="$PID_DIR/nginx.pid"
export GW_ERROR_LOG="$LOG_DIR/nginx-error.log"
export GW_ACCESS_LOG="$LOG_DIR/nginx-access.log"
export GW_CACHE_DIR="$nginx_dir/cache"
export GW_TEMP_DIR="$nginx_dir/temp"
GW_ORDERS_WRITE_SERVERS="$(servers "$ORDERS_WRITE_BASE_PORT" "$ORDERS_WRITE_REPLICAS")"
GW_REPORTS_READ_SERVERS="$(servers "$REPORTS_READ_BASE_PORT" "$REPORTS_READ_REPLICAS")"
export GW_ORDERS_WRITE_SERVERS GW_REPORTS_READ_SERVERS
export GW_CACHE="${GATEWAY_CACHE:-on}"
export GW_WRITE_RATE="${GATEWAY_WRITE_RATE:-200r/s}"
export GW_WRITE_BURST="${GATEWAY_WRITE_BURST:-100}"

# /docs: the contract from the repository, the viewer's files from the installed npm package (npm ci).
export GW_DOCS_DIR="$REPO_ROOT/docs/api"
GW_SWAGGER_UI_DIR="$(cd "$REPO_ROOT" && node -p "require('path').dirname(require.resolve('swagger-ui-dist/package.json', { paths: ['tools/openapi'] }))" 2>/dev/null)" ||
  die "swagger-ui-dist is not installed (run npm ci): the gateway's /docs viewer needs it"
export GW_SWAGGER_UI_DIR

template="$REPO_ROOT/nginx.conf"
# shellcheck disable=SC2016 # literal \${GW_...} placeholders, not expansions
names="$(grep -o '\${GW_[A-Z_]*}' "$template" | sort -u | tr '\n' ' ')"
envsubst "$names" <"$template" >"$nginx_dir/nginx.conf"
# shellcheck disable=SC2016
if grep -v '^ *#' "$nginx_dir/nginx.conf" | grep -q '\${GW_'; then die "unrendered placeholder left in $nginx_dir/nginx.conf"; fi
echo "$nginx_dir/nginx.conf"
