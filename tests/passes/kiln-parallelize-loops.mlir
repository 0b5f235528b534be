// RUN: kiln-opt %s --kiln-parallelize-loops='min-cost=1000 min-tile-cost=64 min-macs-per-moved-element=0 threads=3' | FileCheck %s
// RUN: kiln-opt %s --kiln-parallelize-loops='min-macs-per-moved-element=0' | FileCheck %s --check-prefix=DEFAULT

// With the default thresholds (an op must cost 2^20) only the matmul
// (64 x 256 x 32 iterations x 2 payload ops = 2^20, plus 4 per element of
// A and B) is split.
// DEFAULT-LABEL: func.func @matmul(
// DEFAULT:         call @kiln_parallel_for
// DEFAULT-NOT:     call @kiln_parallel_for

#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d1)>
// A contraction on entry-point arguments: split along N (the largest range,
// contiguous in C) into 2 tiles of 128: a contraction's N tiles are as wide
// as the N cache block (512), but at least two, since each tile sweeps all
// of A. The pointers go into a stack array.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:      %[[A:[a-z0-9]+]]: memref<64x32xf32>, %[[B:[a-z0-9]+]]: memref<32x256xf32>, %[[C:[a-z0-9]+]]: memref<64x256xf32>)
// CHECK:         %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.array<3 x ptr>
// CHECK-DAG:     %[[BD:.+]] = builtin.unrealized_conversion_cast %[[B]] : memref<32x256xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK-DAG:     %[[BP:.+]] = llvm.extractvalue %[[BD]][1]
// CHECK-DAG:     %[[SLOT:.+]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK-DAG:     llvm.store %[[BP]], %[[SLOT]]
// CHECK:         %[[F:.+]] = constant @matmul_parallel0 : (!llvm.ptr, i64, i64) -> ()
// CHECK-DAG:     %[[N:.+]] = arith.constant 2 : i64
// CHECK-DAG:     %[[GRAIN:.+]] = arith.constant 1 : i64
// CHECK-DAG:     %[[THREADS:.+]] = arith.constant 3 : i32
// CHECK:         call @kiln_parallel_for(%[[F]], %[[CTX]], %[[N]], %[[GRAIN]], %[[THREADS]])
// CHECK-NOT:     linalg.matmul
// CHECK:         return
// CHECK-LABEL: func.func private @matmul_parallel0(
// CHECK-SAME:      %[[PCTX:[a-z0-9]+]]: !llvm.ptr, %[[BEGIN:[a-z0-9]+]]: i64, %[[END:[a-z0-9]+]]: i64)
// CHECK:         %[[P0:.+]] = llvm.getelementptr %[[PCTX]][0, 0]
// CHECK:         llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[BM:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<32x256xf32>
// CHECK:         %[[CM:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<64x256xf32>
// CHECK:         %[[AM:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<64x32xf32>
// CHECK:         %[[T:.+]] = arith.constant 128 : index
// CHECK:         %[[B0:.+]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK:         %[[LO:.+]] = arith.muli %[[B0]], %[[T]]
// CHECK:         %[[E0:.+]] = arith.index_cast %[[END]] : i64 to index
// CHECK:         %[[HI0:.+]] = arith.muli %[[E0]], %[[T]]
// CHECK:         %[[HI:.+]] = arith.minsi %[[HI0]], %{{.+}}
// CHECK:         scf.for %[[J:.+]] = %[[LO]] to %[[HI]] step %[[T]] {
// CHECK:           %[[BT:.+]] = memref.subview %[[BM]][0, %[[J]]] [32, 128] [1, 1]
// CHECK:           %[[CT:.+]] = memref.subview %[[CM]][0, %[[J]]] [64, 128] [1, 1]
// CHECK:           linalg.matmul ins(%[[AM]], %[[BT]] : {{.*}}) outs(%[[CT]] : {{.*}})
func.func @matmul(%a: memref<64x32xf32>, %b: memref<32x256xf32>, %c: memref<64x256xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x256xf32>) outs(%c : memref<64x256xf32>)
  return
}

// Below min-cost: stays on the calling thread.
// CHECK-LABEL: func.func @small(
// CHECK-NEXT:    linalg.copy
// CHECK-NEXT:    return
func.func @small(%a: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.copy ins(%a : memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// The input may overlap the output (views of the arena 1024 bytes apart, 4096
// bytes each) and is read at other indices: left alone.
// CHECK-LABEL: func.func @overlap(
// CHECK-NOT:     kiln_parallel_for
// CHECK:         linalg.transpose
// CHECK-NEXT:    return
func.func @overlap(%arena: memref<8192xi8>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %x = memref.view %arena[%c0][] : memref<8192xi8> to memref<32x32xf32>
  %y = memref.view %arena[%c1024][] : memref<8192xi8> to memref<32x32xf32>
  linalg.transpose ins(%x : memref<32x32xf32>) outs(%y : memref<32x32xf32>) permutation = [1, 0]
  return
}

// Views of the arena that are provably apart: split.
// CHECK-LABEL: func.func @apart(
// CHECK:         call @kiln_parallel_for
// CHECK-NOT:     linalg.transpose
// CHECK-LABEL: func.func private @apart_parallel0(
// CHECK:         linalg.transpose
func.func @apart(%arena: memref<8192xi8>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %x = memref.view %arena[%c0][] : memref<8192xi8> to memref<32x32xf32>
  %y = memref.view %arena[%c4096][] : memref<8192xi8> to memref<32x32xf32>
  linalg.transpose ins(%x : memref<32x32xf32>) outs(%y : memref<32x32xf32>) permutation = [1, 0]
  return
}

// In place, each element read where it is written: split along the rows
// (67 = 7 tiles of 9 + a remainder of 4 on the calling thread); the
// constant the payload uses is cloned into the body.
// CHECK-LABEL: func.func @in_place(
// CHECK:         call @kiln_parallel_for(%{{.+}}, %{{.+}}, %c7_i64,
// CHECK:         %[[R:.+]] = memref.subview %{{.+}}[63, 0] [4, 40] [1, 1]
// CHECK:         linalg.generic {{.*}} ins(%[[R]] {{.*}}) outs(%[[R2:[^ ]+]] :
// CHECK:         return
// CHECK-LABEL: func.func private @in_place_parallel0(
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         scf.for
// CHECK:           memref.subview %{{.+}}[%{{.+}}, 0] [9, 40] [1, 1]
// CHECK:           arith.maximumf %{{.+}}, %[[ZERO]]
func.func @in_place(%x: memref<67x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<67x40xf32>) outs(%x : memref<67x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// The reduction dim is never split; the output's dim is.
// CHECK-LABEL: func.func @column_sums(
// CHECK:         call @kiln_parallel_for
// CHECK-LABEL: func.func private @column_sums_parallel0(
// CHECK:           memref.subview %{{.+}}[0, %{{.+}}] [512, 32] [1, 1]
// CHECK:           memref.subview %{{.+}}[%{{.+}}] [32] [1]
// CHECK:           iterator_types = ["reduction", "parallel"]
func.func @column_sums(%x: memref<512x256xf32>, %s: memref<256xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<512x256xf32>) outs(%s : memref<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  }
  return
}

// Only entry points (public functions) are split.
// CHECK-LABEL: func.func private @helper(
// CHECK-NEXT:    linalg.copy
// CHECK-NEXT:    return
func.func private @helper(%a: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.copy ins(%a : memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// A row loop of the softmax / layer-norm fast path (kiln.parallel_rows =
// the cost of a row): 64 rows x 100 >= min-cost, so it is outlined as it
// is, its iterations the tiles, in chunks (the grain) of 8 rows: 64 / 8
// tiles aimed at, and 8 x 100 >= min-tile-cost.
// CHECK-LABEL: func.func @row_loop(
// CHECK-DAG:     %[[ROWS:.+]] = arith.constant 64 : i64
// CHECK-DAG:     %[[GRAIN:.+]] = arith.constant 8 : i64
// CHECK:         call @kiln_parallel_for(%{{.+}}, %{{.+}}, %[[ROWS]], %[[GRAIN]], %{{.+}})
// CHECK-NOT:     scf.for
// CHECK:         return
// CHECK-LABEL: func.func private @row_loop_parallel0(
// CHECK:         scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:           vector.transfer_read %{{.+}}[%[[R]], %{{.+}}]
// CHECK:           vector.transfer_write
func.func @row_loop(%x: memref<64x100xf32>, %y: memref<64x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %r = %c0 to %c64 step %c1 {
    %v = vector.transfer_read %x[%r, %c0], %pad {in_bounds = [true]} : memref<64x100xf32>, vector<100xf32>
    vector.transfer_write %v, %y[%r, %c0] {in_bounds = [true]} : vector<100xf32>, memref<64x100xf32>
  } {kiln.parallel_rows = 100 : i64}
  return
}

// Too cheap a row loop (4 rows x 10 < min-cost), and an unmarked one, stay
// on the calling thread.
// CHECK-LABEL: func.func @cheap_row_loop(
// CHECK-NOT:     call @kiln_parallel_for
// CHECK:         scf.for
// CHECK:         } {kiln.parallel_rows = 10 : i64}
// CHECK:         scf.for
// CHECK-NOT:     call @kiln_parallel_for
// CHECK:         return
func.func @cheap_row_loop(%x: memref<64x100xf32>, %y: memref<64x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %r = %c0 to %c4 step %c1 {
    %v = vector.transfer_read %x[%r, %c0], %pad {in_bounds = [true]} : memref<64x100xf32>, vector<100xf32>
    vector.transfer_write %v, %y[%r, %c0] {in_bounds = [true]} : vector<100xf32>, memref<64x100xf32>
  } {kiln.parallel_rows = 10 : i64}
  scf.for %r = %c0 to %c64 step %c1 {
    %v = vector.transfer_read %x[%r, %c0], %pad {in_bounds = [true]} : memref<64x100xf32>, vector<100xf32>
    vector.transfer_write %v, %y[%r, %c0] {in_bounds = [true]} : vector<100xf32>, memref<64x100xf32>
  }
  return
}
