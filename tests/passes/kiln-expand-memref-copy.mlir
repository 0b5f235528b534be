// RUN: kiln-opt %s --split-input-file --kiln-expand-memref-copy | FileCheck %s

// A memref.copy becomes linalg.copy, which lowers to loops, not to a call
// into MLIR's runtime library.
// CHECK-LABEL: func.func @copy_becomes_linalg_copy(
//  CHECK-SAME:     %[[SRC:[^:]+]]: memref<4x3xf32>, %[[DST:[^:]+]]: memref<4x3xf32>
//   CHECK-NOT:   memref.copy
//       CHECK:   linalg.copy ins(%[[SRC]] : memref<4x3xf32>) outs(%[[DST]] : memref<4x3xf32>)
func.func @copy_becomes_linalg_copy(%src: memref<4x3xf32>, %dst: memref<4x3xf32>) {
  memref.copy %src, %dst : memref<4x3xf32> to memref<4x3xf32>
  return
}

// -----

// Strided views are copied element by element too.
// CHECK-LABEL: func.func @strided_copy(
//       CHECK:   linalg.copy ins(%{{.+}} : memref<2x3xf32, strided<[6, 1], offset: 1>>)
func.func @strided_copy(%src: memref<2x3xf32, strided<[6, 1], offset: 1>>, %dst: memref<2x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32, strided<[6, 1], offset: 1>> to memref<2x3xf32>
  return
}
