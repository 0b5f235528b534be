#!/usr/bin/env bash
# configure.sh BUILD_DIR [cmake args...] - configure a kiln build with the
# project's toolchain: clang-19, lld, Ninja, ccache (when installed).
set -euo pipefail
build=${1:?usage: configure.sh BUILD_DIR [cmake args...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build"
cmake -G Ninja -S "$root" -B "$build" \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  "$@" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
