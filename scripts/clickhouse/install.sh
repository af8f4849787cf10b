#!/usr/bin/env bash
# Installs the ClickHouse engine the tests and benchmarks run against (packages/server/src/testing/
# clickhouse.ts): @chdb/lib-linux-x64-gnu in its own install beside this script, kept out of the
# root `npm ci` (178 MB a DuckDB user never needs), and the launcher that runs it as a server.
# Idempotent: does nothing when the pinned engine and an up-to-date launcher are already there.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '[clickhouse] %s\n' "$*"; }

package='@chdb/lib-linux-x64-gnu'
library="node_modules/$package/libchdb.so"
pinned="$(node -p "require('./package-lock.json').packages['node_modules/$package'].version")"
installed="$(node -p "try { require('./node_modules/$package/package.json').version } catch { '' }")"
if [[ -f "$library" && "$installed" == "$pinned" ]]; then
  log "engine present: $package $installed"
else
  log "installing $package $pinned"
  npm ci --no-audit --no-fund
fi

launcher=build/clickhouse-launcher
if [[ -x "$launcher" && "$launcher" -nt launcher.c ]]; then
  log "launcher present: scripts/clickhouse/$launcher"
  exit 0
fi
if ! command -v cc >/dev/null 2>&1; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "install.sh needs a C compiler (cc) to build the launcher; install gcc or run as root" >&2
    exit 1
  fi
  log "installing a C compiler (gcc, libc6-dev)"
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev </dev/null
fi
mkdir -p build
# Built beside its final name and renamed, so a running harness never sees half a binary.
cc -O2 -Wall -Wextra -Werror -o "$launcher.tmp" launcher.c -ldl
mv -f "$launcher.tmp" "$launcher"
log "built scripts/clickhouse/$launcher"
