#!/usr/bin/env bash
# demo.sh - the main job on the example model shipped in the repo.
#
# Installs what kiln needs, builds the compiler, then imports
# examples/lenet/lenet.onnx (a LeNet-style CNN exported from PyTorch) and
# prints its kiln IR and the `kiln inspect` report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build/release}

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/configure.sh" "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" --target kiln

model=$root/examples/lenet/lenet.onnx
echo
echo "== kiln inspect $model"
"$build/bin/kiln" inspect "$model"
echo
echo "== kiln import $model --pipeline=graph"
"$build/bin/kiln" import "$model" --pipeline=graph
