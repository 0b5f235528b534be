// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-vectorize-elementwise))' | FileCheck %s

// The im2col copy of a 3x3 convolution: one vector load and store of a
// whole output row (32 elements, unit stride) per (c, kh, kw, oh).
// CHECK-LABEL: func.func @im2col(
//   CHECK-NOT:   linalg.generic
//       CHECK:   scf.for
//       CHECK:   vector.load %{{.+}} : memref<{{.+}}>, vector<32xf32>
//       CHECK:   vector.store %{{.+}} : memref<{{.+}}>, vector<32xf32>
//   CHECK-NOT:   linalg.generic
func.func @im2col(%padded: memref<1x2x34x34xf32>, %cols: memref<2x3x3x1x32x32xf32>) {
  linalg.generic {indexing_maps = [
      affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>,
      affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x2x34x34xf32>) outs(%cols : memref<2x3x3x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// Stride 2: the 8 elements of a row lie 2 apart in the input; the 15 they
// span are read with one masked load (16 lanes, the last masked off: it
// may lie past the row) and a shuffle takes every other. The store stays
// one vector store.
// CHECK-LABEL: func.func @im2col_stride_2(
//       CHECK:   memref.subview {{.+}} [1, 1, 1, 15] [1, 1, 1, 1] : memref<{{.+}}> to memref<15xf32, strided<[1], offset: ?>>
//       CHECK:   %[[MASK:.+]] = vector.constant_mask [15] : vector<16xi1>
//       CHECK:   %[[SPAN:.+]] = vector.maskedload %{{.+}}[%c0], %[[MASK]], %{{.+}} : memref<15xf32, strided<[1], offset: ?>>, vector<16xi1>, vector<16xf32> into vector<16xf32>
//       CHECK:   %[[ROW:.+]] = vector.shuffle %[[SPAN]], %[[SPAN]] [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xf32>, vector<16xf32>
//   CHECK-NOT:   memref.load
//       CHECK:   vector.store %[[ROW]], %{{.+}} : memref<{{.+}}>, vector<8xf32>
//   CHECK-NOT:   linalg.generic
func.func @im2col_stride_2(%padded: memref<1x2x18x18xf32>, %cols: memref<2x3x3x1x8x8xf32>) {
  linalg.generic {indexing_maps = [
      affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1, d5 * 2 + d2)>,
      affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x2x18x18xf32>) outs(%cols : memref<2x3x3x1x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// Stride 5 would waste four lanes of five: the 8 elements stay scalar loads
// into the vector. So does a read whose elements are a row apart (a column).
// CHECK-LABEL: func.func @strided_reads_stay_scalar(
//   CHECK-NOT:   vector.maskedload
//   CHECK-NOT:   vector.shuffle
//       CHECK:   memref.load
//   CHECK-NOT:   vector.maskedload
//       CHECK:   return
func.func @strided_reads_stay_scalar(%row: memref<1x40xf32>, %every5: memref<8xf32>,
                                     %matrix: memref<16x2xf32>, %column: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (0, d0 * 5)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%row : memref<1x40xf32>) outs(%every5 : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0 * 2, 0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%matrix : memref<16x2xf32>) outs(%column : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// A bias broadcast along rows plus ReLU: the bias is a 0-D view broadcast to
// the vector; 1024 columns are tiled by 256.
// CHECK-LABEL: func.func @bias_relu(
//       CHECK:   scf.for %{{.+}} = %c0 to %c1024 step %c256
//       CHECK:   memref.load %{{.+}}[] : memref<f32, strided<[], offset: ?>>
//       CHECK:   vector.splat %{{.+}} : vector<256xf32>
//       CHECK:   arith.maximumf %{{.+}} : vector<256xf32>
//       CHECK:   vector.store %{{.+}} : memref<{{.+}}>, vector<256xf32>
func.func @bias_relu(%x: memref<4x1024xf32>, %b: memref<4xf32>, %y: memref<4x1024xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                   affine_map<(d0, d1) -> (d0)>,
                                   affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : memref<4x1024xf32>, memref<4xf32>) outs(%y : memref<4x1024xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Left alone: a reduction, an innermost range too short to vectorize, and a
// payload with a non-arith op.
// CHECK-LABEL: func.func @left_alone(
//       CHECK:   linalg.generic
//       CHECK:   linalg.generic
//       CHECK:   linalg.generic
//   CHECK-NOT:   vector.
func.func @left_alone(%x: memref<8x64xf32>, %sum: memref<8xf32>, %x2: memref<2x64xf32>,
                      %t: memref<64x2xf32>, %i: memref<8x64xindex>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                   affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x64xf32>) outs(%sum : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>,
                                   affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x2 : memref<2x64xf32>) outs(%t : memref<64x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      outs(%i : memref<8x64xindex>) {
  ^bb0(%out: index):
    %j = linalg.index 1 : index
    linalg.yield %j : index
  }
  return
}

// -----

// Left alone: bool buffers (one byte per element in memory, a vector<Nxi1>
// would be read as packed bits), and math that would become a libm call
// (math.tan; f64 math.tanh) after the vector dialect is lowered.
// CHECK-LABEL: func.func @bool_and_libm_left_alone(
//       CHECK:   linalg.generic
//       CHECK:   linalg.generic
//       CHECK:   linalg.generic
//   CHECK-NOT:   vector.
func.func @bool_and_libm_left_alone(%a: memref<64xi1>, %b: memref<64xi1>,
                                    %x: memref<64xf32>, %y: memref<64xf32>,
                                    %d: memref<64xf64>, %e: memref<64xf64>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<64xi1>) outs(%b : memref<64xi1>) {
  ^bb0(%in: i1, %out: i1):
    %t = arith.constant true
    %n = arith.xori %in, %t : i1
    linalg.yield %n : i1
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tan %in : f32
    linalg.yield %t : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%d : memref<64xf64>) outs(%e : memref<64xf64>) {
  ^bb0(%in: f64, %out: f64):
    %t = math.tanh %in : f64
    linalg.yield %t : f64
  }
  return
}
