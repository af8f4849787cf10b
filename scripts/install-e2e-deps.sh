#!/usr/bin/env bash
# Installs the real programs the end-to-end tests run against (test/e2e), from Debian's packages.
# Idempotent: a package whose binaries are already on the machine is not installed again.
# Runs as root (CI, developer machines). Never leaves a distribution service running: the tests
# start their own instances on free ports with their own config and data directories.
set -euo pipefail

# One entry per package: "debian-package:file[,file...]". A package is installed only when one
# of its files is missing.
PACKAGES=(
  "prometheus:/usr/bin/prometheus,/usr/bin/promtool"
  "prometheus-alertmanager:/usr/bin/prometheus-alertmanager,/usr/bin/amtool"
  # The web UI's browser tests (test/e2e/web) drive it with playwright-core; a font so that
  # screenshots show text.
  "chromium:/usr/bin/chromium"
  "fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
  # The outbound guard's TLS test makes a throw-away certificate with it (on most images already).
  "openssl:/usr/bin/openssl"
  # The integration guides' Python snippets are compiled (py_compile) by test/e2e/integrations.test.ts.
  "python3-minimal:/usr/bin/python3"
)

# Services the packages above would start on install, stopped again afterwards in case the
# policy below was not honoured.
SERVICES=(
  "prometheus"
  "prometheus-alertmanager"
)

log() { printf '[install-e2e-deps] %s\n' "$*"; }

if [[ "$(id -u)" -ne 0 ]]; then
  echo "install-e2e-deps.sh must run as root (it uses apt-get)" >&2
  exit 1
fi

missing=()
for entry in "${PACKAGES[@]}"; do
  package="${entry%%:*}"
  IFS=',' read -r -a binaries <<<"${entry#*:}"
  for binary in "${binaries[@]}"; do
    if [[ ! -e "$binary" ]]; then
      missing+=("$package")
      break
    fi
  done
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all e2e dependencies present: ${PACKAGES[*]%%:*}"
  exit 0
fi

log "installing: ${missing[*]}"

# Debian's maintainer scripts start services through invoke-rc.d, which asks policy-rc.d first;
# exit code 101 means "action forbidden". Keep any policy that was there before.
policy=/usr/sbin/policy-rc.d
policy_backup=""
if [[ -e "$policy" ]]; then
  policy_backup="$(mktemp)"
  cp -p "$policy" "$policy_backup"
fi
restore_policy() {
  if [[ -n "$policy_backup" ]]; then
    mv -f "$policy_backup" "$policy"
  else
    rm -f "$policy"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 0755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}" </dev/null

# Belt and braces: if a service was started anyway (no policy-rc.d support, systemd running),
# stop it so that nothing is left holding its default port.
for service in "${SERVICES[@]}"; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    log "stopping service $service"
    systemctl stop "$service" || true
    systemctl disable "$service" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1 && service "$service" status >/dev/null 2>&1; then
    log "stopping service $service"
    service "$service" stop || true
  fi
done

for entry in "${PACKAGES[@]}"; do
  IFS=',' read -r -a binaries <<<"${entry#*:}"
  for binary in "${binaries[@]}"; do
    if [[ ! -e "$binary" ]]; then
      echo "install-e2e-deps.sh: $binary is still missing after installing ${entry%%:*}" >&2
      exit 1
    fi
  done
  log "ok: ${entry%%:*} (${entry#*:})"
done
