#!/usr/bin/env bash
# Every check, in order: test environment, build, typecheck, lint, unit, integration, e2e and the
# benchmarks in short mode. Every step runs even after a failure, so one run shows everything
# that is wrong; the exit status is non-zero when any step failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

declare -a PASSED=() FAILED=()
# TEST_STEPS=lint,unit runs only those steps (names as printed); empty runs them all.
ONLY=",${TEST_STEPS:-},"

step() {
  local name=$1
  shift
  [[ $ONLY == ",," || $ONLY == *",$name,"* ]] || return 0
  local start=$SECONDS
  printf '\n==> %s: %s\n' "$name" "$*"
  if "$@"; then
    PASSED+=("$name")
    printf '<== %s passed (%d s)\n' "$name" $((SECONDS - start))
  else
    local rc=$?
    FAILED+=("$name")
    printf '<== %s FAILED with exit %d (%d s)\n' "$name" "$rc" $((SECONDS - start))
  fi
}

# The build is stale when any input is newer than its output (or there is no output yet).
build_if_stale() {
  local stamp=out/renderer/index.html inputs=(electron renderer shared coordinator resources package.json)
  local config
  for config in electron.vite.config.*; do [[ -e $config ]] && inputs+=("$config"); done
  if [[ -f $stamp && -f out/main/index.js && -f out/cli/index.js && -z $(find "${inputs[@]}" -newer "$stamp" -print -quit 2>/dev/null) ]]; then
    echo "out/ is up to date"
    return 0
  fi
  npm run build
}

step test-env bash scripts/test-env.sh
step build build_if_stale
step typecheck npm run typecheck
step lint npm run lint
step unit npm run test:unit -- --passWithNoTests
step integration npm run test:integration -- --passWithNoTests
# The coordinator suite again, on PostgreSQL instead of the embedded store.
step integration-postgres env RIGSHARE_TEST_STORE=postgres npx vitest run --project integration test/integration/coordinator
step e2e npm run test:e2e
step bench env BENCH_SHORT=1 npm run bench

printf '\n'
((${#FAILED[@]} == 0)) || printf 'failed: %s\n' "${FAILED[*]}"
printf '%d passed, %d failed\n' "${#PASSED[@]}" "${#FAILED[@]}"
((${#FAILED[@]} == 0))
