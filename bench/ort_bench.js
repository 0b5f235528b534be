// ort_bench.js - latency of one ONNX model under ONNX Runtime (CPU).
//
// Usage: node bench/ort_bench.js MODEL THREADS WARMUP RUNS
//
// Loads MODEL with every graph optimisation on ('all'), THREADS intra-op
// threads and one inter-op thread (sequential execution), feeds random f32
// inputs of the model's static shapes, runs WARMUP times, then times RUNS
// calls one by one. Prints one JSON line:
//   {"median_ms": ..., "min_ms": ..., "max_ms": ..., "runs": ...}
// The onnxruntime-node package is installed by bench/suite.py into
// bench/.deps (ONNXRUNTIME_NODE_INSTALL=skip: the CPU build is inside it).
'use strict';

const path = require('path');
const ort = require(path.join(__dirname, '.deps', 'node_modules',
                              'onnxruntime-node'));

async function main() {
  const [model, threads, warmup, runs] = process.argv.slice(2);
  if (!model || !threads || !warmup || !runs) {
    console.error('usage: node ort_bench.js MODEL THREADS WARMUP RUNS');
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
  });
  const feeds = {};
  for (const name of session.inputNames) {
    const meta = session.inputMetadata.find((m) => m.name === name);
    const dims = meta.shape;
    if (!dims.every((d) => typeof d === 'number'))
      throw new Error(`input ${name} has a symbolic shape: ${dims}`);
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; ++i) data[i] = Math.random() * 2 - 1;
    feeds[name] = new ort.Tensor('float32', data, dims);
  }
  for (let i = 0; i < Number(warmup); ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(runs); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid]
                                   : (times[mid - 1] + times[mid]) / 2;
  console.log(JSON.stringify({median_ms: median, min_ms: times[0],
                              max_ms: times[times.length - 1],
                              runs: times.length}));
}

main().catch((e) => {
  console.error(`ort_bench.js: ${e.message}`);
  process.exit(1);
});
