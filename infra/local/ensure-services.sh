#!/usr/bin/env bash
# Makes sure MariaDB, Redis and RabbitMQ answer on 127.0.0.1 (3306, 6379, 5672).
# Starts each one that is installed but not running; installs it from Debian's packages when it is missing and
# we are root; otherwise says exactly what to install. Safe to run again: running services are left alone.
set -euo pipefail

log() { printf '[ensure-services] %s\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port name seconds
  for _ in $(seq 1 "$3"); do listening "$1" && return 0; sleep 1; done
  log "$2 did not come up on port $1"; return 1
}

apt_updated=no
install_pkg() { # debian-package binary
  command -v "$2" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "$2 is missing: install the Debian package '$1' (sudo apt-get install -y $1)"; return 1
  fi
  if [ "$apt_updated" = no ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=yes; fi
  log "installing $1"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

ensure_mariadb() {
  listening 3306 && return 0
  install_pkg mariadb-server mariadbd || return 1
  log "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for 3306 MariaDB 60
}

ensure_redis() {
  listening 6379 && return 0
  install_pkg redis-server redis-server || return 1
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/store-manager.log
  wait_for 6379 Redis 30
}

ensure_rabbitmq() {
  listening 5672 && return 0
  install_pkg rabbitmq-server rabbitmq-server || return 1
  log "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for 5672 RabbitMQ 120
}

status=0
ensure_mariadb || status=1
ensure_redis || status=1
ensure_rabbitmq || status=1
exit "$status"
