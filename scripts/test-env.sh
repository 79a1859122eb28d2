#!/usr/bin/env bash
# Installs and starts everything the integration and e2e tests need, on Debian 12 as root:
# dockerd, a registry on 127.0.0.1:5000, PostgreSQL 15 on 127.0.0.1:54329, Chromium, and test
# images built from busybox-static and pinned by digest. Safe to run again: when everything is up
# it only checks, and finishes in seconds.
#
# Writes .test-env/env.json and .test-env/images.json in the repository; tests read them through
# test/helpers/test-env.ts. Daemon state (data, logs, pid files) lives in $RIGSHARE_TEST_STATE
# (default /var/lib/rigshare-test), shared by every checkout on the machine like the ports are.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB=$REPO_ROOT/scripts/lib
OUT_DIR=$REPO_ROOT/.test-env
if [[ -n ${RIGSHARE_TEST_STATE:-} ]]; then
  STATE_DIR=$RIGSHARE_TEST_STATE
elif [[ $(id -u) -eq 0 ]]; then
  STATE_DIR=/var/lib/rigshare-test
else
  STATE_DIR=$OUT_DIR/state
fi

# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/packages.sh
source "$LIB/packages.sh"
# shellcheck source=lib/dockerd.sh
source "$LIB/dockerd.sh"
# shellcheck source=lib/registry.sh
source "$LIB/registry.sh"
# shellcheck source=lib/postgres.sh
source "$LIB/postgres.sh"
# shellcheck source=lib/images.sh
source "$LIB/images.sh"
# shellcheck source=lib/chromium.sh
source "$LIB/chromium.sh"

mkdir -p "$STATE_DIR" "$OUT_DIR"
chmod 755 "$STATE_DIR"
# Several checkouts or test runs may call this at once; one at a time keeps the daemons single.
exec 9>"$STATE_DIR/setup.lock"
flock 9

ensure_packages
ensure_dockerd
ensure_registry
ensure_postgres
ensure_chromium
ensure_images "$OUT_DIR/images.json"

cat >"$OUT_DIR/env.json.tmp" <<JSON
{
  "dockerSocket": $(json_str "$DOCKER_SOCKET"),
  "registry": $(json_str "$REGISTRY_ADDR"),
  "postgresUrl": $(json_str "$PG_URL"),
  "chromium": $(json_str "$CHROMIUM_PATH"),
  "stateDir": $(json_str "$STATE_DIR")
}
JSON
mv "$OUT_DIR/env.json.tmp" "$OUT_DIR/env.json"
report ready "wrote ${OUT_DIR#"$REPO_ROOT"/}/env.json and images.json"
