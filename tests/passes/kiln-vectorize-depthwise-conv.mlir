// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-vectorize-depthwise-conv{lanes=8 accumulators=4}),canonicalize,cse)' | FileCheck %s

// Depthwise convolution generics (as convert-kiln-to-linalg emits them, on
// buffers) become register blocks of FMAs along the output width.

#in1 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 + d5, d4 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, 0, d5, d6)>
#out4 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4)>
#in2 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 * 2 + d5 * 2, d4 * 2 + d6)>
#out5 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>

// Stride 1, 6 x 12 outputs per channel, 4 accumulators of 8 lanes: a row
// is a vector of 8 and one of 4 (no mask, no scalar tail), so a block holds
// 2 rows; each tap is one broadcast per width and one load and FMA per
// accumulator, the taps of a row reading the input at columns 0, 1, 2
// (8 wide) and 8, 9, 10 (4 wide).
// CHECK-LABEL: func.func @stride1_rows_and_narrow_tail(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: memref<1x4x8x14xf32>, %[[W:[a-z0-9]+]]: memref<4x1x1x3x3xf32>, %[[Y:[a-z0-9]+]]: memref<1x4x6x12xf32>)
//   CHECK-NOT:   linalg.generic
//       CHECK:   scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:     scf.for %[[OH:.+]] = %{{.+}} to %{{.+}} step %[[C2:[a-z0-9_]+]]
//   CHECK-DAG:       vector.load %[[Y]][%{{.+}}, %[[C]], %[[OH]], %{{.+}}] : memref<1x4x6x12xf32>, vector<8xf32>
//   CHECK-DAG:       vector.load %[[Y]][%{{.+}}, %[[C]], %[[OH]], %{{.+}}] : memref<1x4x6x12xf32>, vector<4xf32>
//       CHECK:       %[[T0:.+]] = memref.load %[[W]][%[[C]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : memref<4x1x1x3x3xf32>
//       CHECK:       %[[S8:.+]] = vector.broadcast %[[T0]] : f32 to vector<8xf32>
//       CHECK:       %[[X8:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[OH]], %{{.+}}] : memref<1x4x8x14xf32>, vector<8xf32>
//       CHECK:       vector.fma %[[X8]], %[[S8]], %{{.+}} : vector<8xf32>
//       CHECK:       %[[S4:.+]] = vector.broadcast %[[T0]] : f32 to vector<4xf32>
//       CHECK:       %[[X4:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[OH]], %{{.+}}] : memref<1x4x8x14xf32>, vector<4xf32>
//       CHECK:       vector.fma %[[X4]], %[[S4]], %{{.+}} : vector<4xf32>
// 9 taps x 4 accumulators: 36 FMAs.
// CHECK-COUNT-33:    vector.fma
//       CHECK:       %[[LAST:.+]] = vector.fma
//   CHECK-NOT:       vector.fma
//       CHECK:       vector.store %{{.+}}, %[[Y]]
//       CHECK:       vector.store %{{.+}}, %[[Y]]
//       CHECK:       vector.store %{{.+}}, %[[Y]]
//       CHECK:       vector.store %[[LAST]], %[[Y]]
//   CHECK-NOT:   linalg.generic
func.func @stride1_rows_and_narrow_tail(%x: memref<1x4x8x14xf32>, %w: memref<4x1x1x3x3xf32>, %y: memref<1x4x6x12xf32>) {
  linalg.generic {indexing_maps = [#in1, #w, #out4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : memref<1x4x8x14xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x6x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#in1 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 + d5, d4 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, 0, d5, d6)>
#out4 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4)>
#in2 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 * 2 + d5 * 2, d4 * 2 + d6)>
#out5 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>

// Stride 2 (columns) and 2 (rows) with dilation 2 along the rows, channel
// multiplier 3 (the output has the m dim): a vector of 8 outputs reads 15
// inputs, as a load at column kw and one at kw + 7 whose even elements one
// shuffle keeps. Rows 0, 2, 4 of the input for the first tap (oh * 2).
// CHECK-LABEL: func.func @stride2_multiplier(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: memref<1x2x9x17xf32>, %[[W:[a-z0-9]+]]: memref<2x3x1x3x3xf32>, %[[Y:[a-z0-9]+]]: memref<1x2x3x3x8xf32>)
//       CHECK:   scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:     scf.for %[[M:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:       vector.load %[[Y]][%{{.+}}, %[[C]], %[[M]], %{{.+}}, %{{.+}}] : memref<1x2x3x3x8xf32>, vector<8xf32>
//       CHECK:       memref.load %[[W]][%[[C]], %[[M]], %{{.+}}, %{{.+}}, %{{.+}}]
//       CHECK:       %[[LO:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[C0:.+]], %[[C0]]] : memref<1x2x9x17xf32>, vector<8xf32>
//       CHECK:       %[[HI:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[C0]], %[[C7:.+]]] : memref<1x2x9x17xf32>, vector<8xf32>
//       CHECK:       vector.shuffle %[[LO]], %[[HI]] [0, 2, 4, 6, 9, 11, 13, 15] : vector<8xf32>, vector<8xf32>
//       CHECK:       vector.load %[[X]][%{{.+}}, %[[C]], %[[C2:.+]], %[[C0]]]
//       CHECK:       vector.load %[[X]][%{{.+}}, %[[C]], %[[C2]], %[[C7]]]
//       CHECK:       vector.shuffle
//   CHECK-NOT:   linalg.generic
func.func @stride2_multiplier(%x: memref<1x2x9x17xf32>, %w: memref<2x3x1x3x3xf32>, %y: memref<1x2x3x3x8xf32>) {
  linalg.generic {indexing_maps = [#in2, #w, #out5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : memref<1x2x9x17xf32>, memref<2x3x1x3x3xf32>) outs(%y : memref<1x2x3x3x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#in1 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 + d5, d4 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, 0, d5, d6)>
#out4 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4)>
#in2 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 * 2 + d5 * 2, d4 * 2 + d6)>
#out5 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>

// 72 outputs per row need 9 vectors, more than the 4 accumulators: a loop
// over chunks of 32 columns (two), then one block for the last 8.
// CHECK-LABEL: func.func @wide_rows_chunk_loop(
//       CHECK:   scf.for %[[OW:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-COUNT-4:   vector.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x1x1x72xf32>, vector<8xf32>
//       CHECK:     vector.fma
// CHECK-COUNT-4:   vector.store {{.*}} : memref<1x1x1x72xf32>, vector<8xf32>
//       CHECK:   }
//       CHECK:   vector.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x1x1x72xf32>, vector<8xf32>
// CHECK-COUNT-9:   vector.fma {{.*}} : vector<8xf32>
//   CHECK-NOT:   vector.fma
//       CHECK:   vector.store {{.*}} : memref<1x1x1x72xf32>, vector<8xf32>
func.func @wide_rows_chunk_loop(%x: memref<1x1x3x74xf32>, %w: memref<1x1x1x3x3xf32>, %y: memref<1x1x1x72xf32>) {
  linalg.generic {indexing_maps = [#in1, #w, #out4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : memref<1x1x3x74xf32>, memref<1x1x1x3x3xf32>) outs(%y : memref<1x1x1x72xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#in1 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 + d5, d4 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, 0, d5, d6)>
#out4 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4)>
#in2 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 * 2 + d5 * 2, d4 * 2 + d6)>
#out5 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>

// Not a convolution (max, not add): left alone.
// CHECK-LABEL: func.func @not_depthwise_max(
//       CHECK:   linalg.generic
//       CHECK:     arith.maximumf
func.func @not_depthwise_max(%x: memref<1x1x3x74xf32>, %w: memref<1x1x1x3x3xf32>, %y: memref<1x1x1x72xf32>) {
  linalg.generic {indexing_maps = [#in1, #w, #out4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : memref<1x1x3x74xf32>, memref<1x1x1x3x3xf32>) outs(%y : memref<1x1x1x72xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.maximumf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// Pooling generics (passes/conversion/kiln-to-linalg/Pooling.cpp): loops
// (n, c, oh, ow | kh, kw), a tap-extent operand, no filter. Max pooling at
// stride 2: the same register blocks, vector.shuffle keeping the even
// elements, arith.maximumf instead of the FMA; no m loop.
#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#taps = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_stride2(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: memref<1x4x9x25xf32>, %{{.+}}: memref<3x3xf32>, %[[Y:[a-z0-9]+]]: memref<1x4x4x12xf32>)
//   CHECK-NOT:   linalg.generic
//       CHECK:   scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:     scf.for %[[OH:.+]] = %{{.+}} to %{{.+}} step
//   CHECK-NOT:     scf.for
//       CHECK:       %[[ACC:.+]] = vector.load %[[Y]][%{{.+}}, %[[C]], %[[OH]], %{{.+}}] : memref<1x4x4x12xf32>, vector<8xf32>
//       CHECK:       %[[LO:.+]] = vector.load %[[X]]{{.+}} : memref<1x4x9x25xf32>, vector<8xf32>
//       CHECK:       %[[HI:.+]] = vector.load %[[X]]{{.+}} : memref<1x4x9x25xf32>, vector<8xf32>
//       CHECK:       %[[EVEN:.+]] = vector.shuffle %[[LO]], %[[HI]] [0, 2, 4, 6, 9, 11, 13, 15]
//       CHECK:       arith.maximumf %[[ACC]], %[[EVEN]] : vector<8xf32>
//       CHECK:       vector.shuffle %{{.+}}, %{{.+}} [0, 2, 4, 6] : vector<7xf32>, vector<7xf32>
//       CHECK:       arith.maximumf {{.*}} : vector<4xf32>
// 9 taps x 4 accumulators.
// CHECK-COUNT-34:    arith.maximumf
//   CHECK-NOT:       arith.maximumf
//   CHECK-NOT:       vector.fma
// CHECK-COUNT-4:     vector.store %{{.+}}, %[[Y]]
//   CHECK-NOT:   linalg.generic
func.func @max_pool_stride2(%x: memref<1x4x9x25xf32>, %t: memref<3x3xf32>, %y: memref<1x4x4x12xf32>) {
  linalg.generic {indexing_maps = [#pin, #taps, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %t : memref<1x4x9x25xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.maximumf %a, %c : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Average pooling's interior: out + in * (one constant). The taps are
// summed from the first on (no load of the output first) and the sum is
// scaled once into the output: out + c * sum(in), one FMA per vector.
#pin1 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#taps = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @average_pool_scaled(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: memref<1x2x4x9xf32>, %{{.+}}: memref<2x2xf32>, %[[Y:[a-z0-9]+]]: memref<1x2x3x8xf32>)
//       CHECK:   %[[Q:.+]] = arith.constant dense<2.500000e-01> : vector<8xf32>
//   CHECK-NOT:   linalg.generic
//       CHECK:   scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step
//   CHECK-NOT:     vector.load %[[Y]]
//       CHECK:     %[[A:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[R0:.+]], %[[C0:.+]]] : memref<1x2x4x9xf32>, vector<8xf32>
//   CHECK-NOT:     vector.load %[[Y]]
//       CHECK:     %[[B:.+]] = vector.load %[[X]][%{{.+}}, %[[C]], %[[R0]], %{{.+}}] : memref<1x2x4x9xf32>, vector<8xf32>
//   CHECK-NOT:     vector.load %[[Y]]
//       CHECK:     arith.addf %[[A]], %[[B]] : vector<8xf32>
// 4 taps x 3 rows: 3 adds per row.
// CHECK-COUNT-8:   arith.addf
//   CHECK-NOT:     arith.addf
//       CHECK:     %[[OUT:.+]] = vector.load %[[Y]]
//       CHECK:     %[[NEW:.+]] = vector.fma %{{.+}}, %[[Q]], %[[OUT]] : vector<8xf32>
//       CHECK:     vector.store %[[NEW]], %[[Y]]
// CHECK-COUNT-2:   vector.fma %{{.+}}, %[[Q]], %{{.+}} : vector<8xf32>
//   CHECK-NOT:     vector.fma
func.func @average_pool_scaled(%x: memref<1x2x4x9xf32>, %t: memref<2x2xf32>, %y: memref<1x2x3x8xf32>) {
  %q = arith.constant 2.500000e-01 : f32
  linalg.generic {indexing_maps = [#pin1, #taps, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %t : memref<1x2x4x9xf32>, memref<2x2xf32>) outs(%y : memref<1x2x3x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %q : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// An average band: the scales are a table over the outputs (a third
// input, (oh, ow)); each sum is scaled by a vector loaded from it.
#pin1 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#taps = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#scale = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @average_pool_table(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: memref<1x2x4x9xf32>, %{{.+}}: memref<2x2xf32>, %[[S:[a-z0-9]+]]: memref<3x8xf32>, %[[Y:[a-z0-9]+]]: memref<1x2x3x8xf32>)
//   CHECK-NOT:   linalg.generic
// CHECK-COUNT-9:   arith.addf {{.*}} : vector<8xf32>
//   CHECK-NOT:     arith.addf
//       CHECK:     %[[SCALE:.+]] = vector.load %[[S]][%[[ROW:.+]], %[[COL:.+]]] : memref<3x8xf32>, vector<8xf32>
//       CHECK:     %[[OUT:.+]] = vector.load %[[Y]][%{{.+}}, %{{.+}}, %[[ROW]], %[[COL]]]
//       CHECK:     %[[NEW:.+]] = vector.fma %{{.+}}, %[[SCALE]], %[[OUT]] : vector<8xf32>
//       CHECK:     vector.store %[[NEW]], %[[Y]]
// CHECK-COUNT-2:   vector.load %[[S]]
func.func @average_pool_table(%x: memref<1x2x4x9xf32>, %t: memref<2x2xf32>, %s: memref<3x8xf32>, %y: memref<1x2x3x8xf32>) {
  linalg.generic {indexing_maps = [#pin1, #taps, #scale, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %t, %s : memref<1x2x4x9xf32>, memref<2x2xf32>, memref<3x8xf32>) outs(%y : memref<1x2x3x8xf32>) {
  ^bb0(%a: f32, %b: f32, %d: f32, %c: f32):
    %0 = arith.mulf %a, %d : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// A scale that is neither a constant nor the table: left alone.
// CHECK-LABEL: func.func @average_pool_variable_scale(
//       CHECK:   linalg.generic
//   CHECK-NOT:   vector.
func.func @average_pool_variable_scale(%x: memref<1x2x4x9xf32>, %t: memref<2x2xf32>, %y: memref<1x2x3x8xf32>, %q: f32) {
  linalg.generic {indexing_maps = [#pin1, #taps, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %t : memref<1x2x4x9xf32>, memref<2x2xf32>) outs(%y : memref<1x2x3x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %0 = arith.mulf %a, %q : f32
    %1 = arith.addf %c, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
