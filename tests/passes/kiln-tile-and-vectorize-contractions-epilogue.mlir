// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,32,64 vector-bits=256}))' | FileCheck %s

// An epilogue (kiln-fuse-epilogues) reaches the register tile: K (128)
// stays whole although the K cache tile is 64, the bias and the ReLU apply
// to the accumulators the K loop yields, and each row of the output is
// stored once: no store of the bare sums, no load of them back. (The bias
// row is loaded once per column strip, hoisted out of the row loop.)
// CHECK-LABEL: func.func @bias_relu(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<8x128xf32>, %[[B:[^:]+]]: memref<128x32xf32>, %[[BIAS:[^:]+]]: memref<32xf32>, %[[C:[^:]+]]: memref<8x32xf32>)
//       CHECK:   vector.load %[[BIAS]]
//       CHECK:   scf.for %{{.+}} = %c0 to %c128 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
//       CHECK:     vector.fma
//       CHECK:   }
//   CHECK-NOT:   vector.load %[[C]]
//   CHECK-NOT:   vector.store
//       CHECK:   arith.addf {{.*}} : vector<4x16xf32>
//       CHECK:   arith.maximumf {{.*}} : vector<4x16xf32>
//   CHECK-NOT:   vector.load %[[C]]
// CHECK-COUNT-4:   vector.store {{.*}}, %[[C]]
//   CHECK-NOT:   vector.store
//   CHECK-NOT:   linalg.generic
//   CHECK-NOT:   kiln.epilogue
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_relu(%a: memref<8x128xf32>, %b: memref<128x32xf32>, %bias: memref<32xf32>, %c: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<8x128xf32>, memref<128x32xf32>) outs(%c : memref<8x32xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<8x32xf32>, memref<32xf32>) outs(%c : memref<8x32xf32>) attrs = {kiln.epilogue} {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Past 1024, K is tiled as usual; the epilogue then cannot see finished
// sums in registers and runs once after the K loop on the whole output
// (left for kiln-vectorize-elementwise), unmarked.
// CHECK-LABEL: func.func @long_k(
//       CHECK:   scf.for %{{.+}} = %c0 to %c2048 step %c64
//       CHECK:     vector.fma
//   CHECK-NOT:   arith.maximumf
//       CHECK:   linalg.generic
//       CHECK:     arith.maximumf
//   CHECK-NOT:   kiln.epilogue
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @long_k(%a: memref<8x2048xf32>, %b: memref<2048x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<8x2048xf32>, memref<2048x16xf32>) outs(%c : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x16xf32>) outs(%c : memref<8x16xf32>) attrs = {kiln.epilogue} {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %zero : f32
    linalg.yield %m : f32
  }
  return
}
