// RUN: kiln-opt %s --split-input-file --kiln-stride-empty-arguments | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-llvm-pipeline | FileCheck %s --check-prefix=LLVM

// A zero-size argument gets the suffix products of its sizes as static
// strides, and the body keeps using the identity layout through a cast;
// other arguments are left alone. Without the pass, the bare-pointer
// convention of convert-func-to-llvm left the function unconverted (a
// func.func that LLVM translation rejects).
// CHECK-LABEL: func.func @empty_arguments(
//  CHECK-SAME:     %[[X:[^:]+]]: memref<4x3xf32>, %[[Y:[^:]+]]: memref<4x3xf32>,
//  CHECK-SAME:     %[[E:[^:]+]]: memref<20x0x5xf32, strided<[0, 5, 1]>>,
//  CHECK-SAME:     %[[F:[^:]+]]: memref<20x0x5xf32, strided<[0, 5, 1]>>,
//  CHECK-SAME:     %[[G:[^:]+]]: memref<3x4x0xf32, strided<[0, 0, 1]>>)
//   CHECK-DAG:   %[[EC:.+]] = memref.cast %[[E]] : memref<20x0x5xf32, strided<[0, 5, 1]>> to memref<20x0x5xf32>
//   CHECK-DAG:   %[[FC:.+]] = memref.cast %[[F]] : memref<20x0x5xf32, strided<[0, 5, 1]>> to memref<20x0x5xf32>
//   CHECK-DAG:   %[[GC:.+]] = memref.cast %[[G]] : memref<3x4x0xf32, strided<[0, 0, 1]>> to memref<3x4x0xf32>
//       CHECK:   linalg.copy ins(%[[X]] : memref<4x3xf32>) outs(%[[Y]] : memref<4x3xf32>)
//       CHECK:   linalg.copy ins(%[[EC]] : memref<20x0x5xf32>) outs(%[[FC]] : memref<20x0x5xf32>)
//       CHECK:   linalg.fill ins(%{{.+}} : f32) outs(%[[GC]] : memref<3x4x0xf32>)
// LLVM-LABEL: llvm.func @empty_arguments(
//  LLVM-SAME:     %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
//   LLVM-NOT:   func.func
func.func @empty_arguments(%x: memref<4x3xf32>, %y: memref<4x3xf32>,
                           %e: memref<20x0x5xf32>, %f: memref<20x0x5xf32>,
                           %g: memref<3x4x0xf32>) {
  linalg.copy ins(%x : memref<4x3xf32>) outs(%y : memref<4x3xf32>)
  linalg.copy ins(%e : memref<20x0x5xf32>) outs(%f : memref<20x0x5xf32>)
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%g : memref<3x4x0xf32>)
  return
}
