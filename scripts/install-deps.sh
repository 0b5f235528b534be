#!/usr/bin/env bash
# install-deps.sh - install every Debian 12 package kiln needs to build and test.
# install-deps.sh --bench also installs what bench/suite.py compares against:
# Node.js and npm (for the onnxruntime-node package) and OpenBLAS (which
# Debian's PyTorch and NumPy use instead of the reference BLAS once present).
#
# Idempotent: packages already present are skipped, so a warm machine pays only
# one dpkg query. Runs apt-get as root, or through sudo when not root.
set -euo pipefail

packages=(
  # Toolchain: MLIR/LLVM 19 (shared libMLIR.so/libLLVM.so), clang and lld 19.
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools clang-19 lld-19
  libclang-rt-19-dev
  cmake ninja-build ccache g++
  # Frontend: ONNX protos, checker, shape inference, version converter.
  libprotobuf-dev protobuf-compiler libonnx-dev
  # Utilities and tests.
  libfmt-dev libgtest-dev libgmock-dev
  # Test references (never used at run time of the product).
  python3 python3-onnx python3-numpy python3-torch
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(libopenblas0-pthread)
  # A Node.js that ships its own npm (e.g. NodeSource's) conflicts with
  # Debian's npm package: install Debian's pair only when npm is missing.
  command -v npm > /dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
