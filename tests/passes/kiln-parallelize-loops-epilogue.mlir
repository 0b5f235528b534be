// RUN: kiln-opt %s --kiln-parallelize-loops='min-macs-per-moved-element=0' | FileCheck %s

// A contraction's epilogue (kiln-fuse-epilogues) goes into each thread's
// tile, right after the tile of the matmul and on the same output columns
// (its bias columns too): one parallel region, not two, and the epilogue is
// never split on its own.
// CHECK-LABEL: func.func @matmul_bias_relu(
//       CHECK:   call @kiln_parallel_for
//   CHECK-NOT:   call @kiln_parallel_for
//   CHECK-NOT:   linalg.
//       CHECK:   return
// CHECK-LABEL: func.func private @matmul_bias_relu_parallel0(
//       CHECK:   scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
//   CHECK-DAG:     %[[BT:.+]] = memref.subview %{{.+}}[0, %[[J]]] [32, 128] [1, 1] : memref<32x256xf32> to memref<32x128xf32, strided<[256, 1], offset: ?>>
//   CHECK-DAG:     %[[CT:.+]] = memref.subview %{{.+}}[0, %[[J]]] [64, 128] [1, 1] : memref<64x256xf32> to memref<64x128xf32, strided<[256, 1], offset: ?>>
//   CHECK-DAG:     %[[BIAST:.+]] = memref.subview %{{.+}}[%[[J]]] [128] [1] : memref<256xf32> to memref<128xf32, strided<[1], offset: ?>>
//       CHECK:     linalg.matmul ins(%{{.+}}, %[[BT]] : {{.*}}) outs(%[[CT]] : {{.*}})
//  CHECK-NEXT:     linalg.generic {{.*}} ins(%[[CT]], %[[BIAST]] : {{.*}}) outs(%[[CT]] : {{.*}}) attrs = {kiln.epilogue}
//       CHECK:       arith.addf
//       CHECK:       arith.maximumf
//       CHECK:   }
//   CHECK-NOT:   linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @matmul_bias_relu(%a: memref<64x32xf32>, %b: memref<32x256xf32>, %bias: memref<256xf32>, %c: memref<64x256xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x256xf32>) outs(%c : memref<64x256xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x256xf32>, memref<256xf32>) outs(%c : memref<64x256xf32>) attrs = {kiln.epilogue} {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}
