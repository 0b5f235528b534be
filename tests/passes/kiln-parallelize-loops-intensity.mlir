// A contraction is split only if it does at least min-macs-per-moved-element
// (default 32) multiply-adds per element of its operands that are not
// constants: split, those activations move between cores. With 0, every
// contraction above min-cost is split.
// RUN: kiln-opt %s --kiln-parallelize-loops | FileCheck %s
// RUN: kiln-opt %s --kiln-parallelize-loops='min-macs-per-moved-element=0' | FileCheck %s --check-prefix=ALL

// 16 x 144 x 1024 (a 16-channel 3x3 convolution on 32x32 after im2col):
// 2.4 M multiply-adds for 166 K elements of activations, 14 per element.
// CHECK-LABEL: func.func @thin(
//   CHECK-NOT:   kiln_parallel_for
//       CHECK:   linalg.matmul
//       CHECK:   return
// ALL-LABEL: func.func @thin(
//       ALL:   call @kiln_parallel_for
func.func @thin(%w: memref<16x144xf32>, %cols: memref<144x1024xf32>, %y: memref<16x1024xf32>) {
  linalg.matmul ins(%w, %cols : memref<16x144xf32>, memref<144x1024xf32>)
                outs(%y : memref<16x1024xf32>)
  return
}

// The same product with the large operand a constant: 19 K elements of
// activations, 126 multiply-adds per element.
// CHECK-LABEL: func.func @constant_operand(
//       CHECK:   call @kiln_parallel_for
memref.global "private" constant @cols : memref<144x1024xf32> = dense<1.0>
func.func @constant_operand(%w: memref<16x144xf32>, %y: memref<16x1024xf32>) {
  %cols = memref.get_global @cols : memref<144x1024xf32>
  linalg.matmul ins(%w, %cols : memref<16x144xf32>, memref<144x1024xf32>)
                outs(%y : memref<16x1024xf32>)
  return
}

// 128 x 512 x 512: 33.6 M multiply-adds for 393 K elements, 85 per element.
// CHECK-LABEL: func.func @square(
//       CHECK:   call @kiln_parallel_for
func.func @square(%a: memref<128x512xf32>, %b: memref<512x512xf32>, %c: memref<128x512xf32>) {
  linalg.matmul ins(%a, %b : memref<128x512xf32>, memref<512x512xf32>)
                outs(%c : memref<128x512xf32>)
  return
}
