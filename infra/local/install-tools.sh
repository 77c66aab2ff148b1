#!/usr/bin/env bash
# Installs the tools the stacks and the e2e tier need beyond the data services: nginx (gateway), prometheus
# (promtool comes with it) and docker-compose (only used to validate docker-compose.yml without an engine);
# with INSTALL_BROWSER=yes also Debian's chromium (the e2e tier's browser test and the experiments' report.pdf).
# Idempotent: tools already on the PATH are left alone. Installs only as root; otherwise names the packages.
# The Debian packages would start system nginx/prometheus services: a temporary policy-rc.d stops that, because
# our stacks run their own instances on their own ports with their own config.
set -euo pipefail

log() { printf '[install-tools] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
have nginx || missing+=(nginx-light)
have prometheus || missing+=(prometheus)
have promtool || missing+=(prometheus)
have docker-compose || missing+=(docker-compose)
if [ "${INSTALL_SHELLCHECK:-no}" = yes ]; then have shellcheck || missing+=(shellcheck); fi
# The browser is wanted, not needed: without root, its test is skipped (and says so) rather than the stack refused.
wanted=()
if [ "${INSTALL_BROWSER:-no}" = yes ]; then have chromium || wanted+=(chromium); fi

if [ "$(id -u)" -ne 0 ] && [ "${#missing[@]}" -eq 0 ] && [ "${#wanted[@]}" -gt 0 ]; then
  log "chromium is not installed (sudo apt-get install -y chromium): the browser test will be skipped"
  exit 0
fi
missing+=("${wanted[@]}")
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
# de-duplicate (prometheus may be listed twice)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -ne 0 ]; then
  log "missing tools; install them with: sudo apt-get install -y ${missing[*]}"
  exit 1
fi

policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi

log "apt-get update"
DEBIAN_FRONTEND=noninteractive apt-get update -qq
log "installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
log "installed ${missing[*]}"
