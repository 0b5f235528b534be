#!/usr/bin/env bash
# test.sh - build kiln and run every test: lit, gtest and the ONNX
# conformance check, in a Release build and then in an ASan+UBSan build.
#
#   KILN_SANITIZERS=0 bash scripts/test.sh    # Release only (faster)
#
# Installs what it needs first. Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
builds=${KILN_BUILD_ROOT:-$root/build}

bash "$root/scripts/install-deps.sh"

run_config() {
  local name=$1
  shift
  local build=$builds/$name
  echo "== [$name] configure and build"
  local start=$SECONDS
  bash "$root/scripts/configure.sh" "$build" "$@"
  cmake --build "$build"
  echo "== [$name] built in $((SECONDS - start)) s; testing"
  ctest --test-dir "$build" --output-on-failure --timeout 1800
}

run_config release -DCMAKE_BUILD_TYPE=Release
if [ "${KILN_SANITIZERS:-1}" != 0 ]; then
  # The instrumented compiler is several times slower: the numeric conformance
  # runs a deterministic quarter of its tests there (all of them in Release).
  run_config sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_ENABLE_SANITIZERS=ON \
    -DKILN_CONFORMANCE_SHARD=0/4
fi
