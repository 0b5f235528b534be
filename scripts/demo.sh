#!/usr/bin/env bash
# demo.sh - the main job on the example model shipped in the repo.
#
# Installs what kiln needs, builds the compiler, compiles
# examples/lenet/lenet.onnx (a LeNet-style CNN exported from PyTorch) to a
# native executable, and runs it on the shipped input, printing the
# prediction. Also shows the `kiln inspect` report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build/release}
out=${KILN_DEMO_DIR:-$root/build/demo}

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/configure.sh" "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" --target kiln kiln_runtime

model=$root/examples/lenet/lenet.onnx
echo
echo "== kiln inspect examples/lenet/lenet.onnx"
"$build/bin/kiln" inspect "$model"
echo
echo "== kiln compile examples/lenet/lenet.onnx --name lenet --emit=exe -o $out"
"$build/bin/kiln" compile "$model" --name lenet --emit=exe -o "$out"
echo
echo "== $out/lenet examples/lenet/input.npy"
"$out/lenet" "$root/examples/lenet/input.npy" -o "$out/lenet-output.npy"
