// RUN: kiln-opt %s --kiln-parallelize-loops='min-cost=256 min-tile-cost=32 threads=3' | FileCheck %s
// RUN: kiln-opt %s --kiln-parallelize-loops | FileCheck %s --check-prefix=DEFAULT

// With the default thresholds (an op must cost 2^19 FLOPs of a GEMM; an
// im2col copy's byte counts 2, another op's payload op 1/2, as before) the
// contractions and the large im2col copies are split, the elementwise ops
// and reductions of less than 2^20 payload ops are not.
// DEFAULT-LABEL: func.func @matmul(
// DEFAULT:         call @kiln_parallel_for
// DEFAULT-LABEL: func.func @small(
// DEFAULT-NOT:     call @kiln_parallel_for
// DEFAULT-LABEL: func.func @in_place(
// DEFAULT-NOT:     call @kiln_parallel_for
// DEFAULT-LABEL: func.func @column_sums(
// DEFAULT-NOT:     call @kiln_parallel_for
// DEFAULT-LABEL: func.func private @helper(
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d1)>
// A contraction on entry-point arguments: split along N (the largest range,
// contiguous in C) into 8 tiles of 32: A (64 x 32) is small enough to stay
// in cache while each tile sweeps it. The pointers go into a stack array.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:      %[[A:[a-z0-9]+]]: memref<64x32xf32>, %[[B:[a-z0-9]+]]: memref<32x256xf32>, %[[C:[a-z0-9]+]]: memref<64x256xf32>)
// CHECK:         %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.array<3 x ptr>
// CHECK-DAG:     %[[BD:.+]] = builtin.unrealized_conversion_cast %[[B]] : memref<32x256xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK-DAG:     %[[BP:.+]] = llvm.extractvalue %[[BD]][1]
// CHECK-DAG:     %[[SLOT:.+]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK-DAG:     llvm.store %[[BP]], %[[SLOT]]
// CHECK:         %[[F:.+]] = constant @matmul_parallel0 : (!llvm.ptr, i64, i64) -> ()
// CHECK-DAG:     %[[N:.+]] = arith.constant 8 : i64
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
// CHECK:         %[[T:.+]] = arith.constant 32 : index
// CHECK:         %[[B0:.+]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK:         %[[LO:.+]] = arith.muli %[[B0]], %[[T]]
// CHECK:         %[[E0:.+]] = arith.index_cast %[[END]] : i64 to index
// CHECK:         %[[HI0:.+]] = arith.muli %[[E0]], %[[T]]
// CHECK:         %[[HI:.+]] = arith.minsi %[[HI0]], %{{.+}}
// CHECK:         scf.for %[[J:.+]] = %[[LO]] to %[[HI]] step %[[T]] {
// CHECK:           %[[BT:.+]] = memref.subview %[[BM]][0, %[[J]]] [32, 32] [1, 1]
// CHECK:           %[[CT:.+]] = memref.subview %[[CM]][0, %[[J]]] [64, 32] [1, 1]
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

// A large A (256 x 256 floats, more than a quarter of L2): N tiles are as
// wide as the contraction pass's N cache block (512), but at least two,
// since each tile sweeps all of A: 2 tiles of 128.
// CHECK-LABEL: func.func @matmul_large_a(
// CHECK:         call @kiln_parallel_for(%{{.+}}, %{{.+}}, %c2_i64,
// CHECK-LABEL: func.func private @matmul_large_a_parallel0(
// CHECK:           memref.subview %{{.+}}[0, %{{.+}}] [256, 128] [1, 1]
func.func @matmul_large_a(%a: memref<256x256xf32>, %b: memref<256x256xf32>, %c: memref<256x256xf32>) {
  linalg.matmul ins(%a, %b : memref<256x256xf32>, memref<256x256xf32>) outs(%c : memref<256x256xf32>)
  return
}

#im2col = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#bias = affine_map<(d0, d1) -> (d0, 0)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// A 3x3 convolution on a 32-channel 16x16 image as its lowering leaves it,
// with the default thresholds. The im2col copy (73728 floats) costs its
// bytes (1.2M): it is split along the channels (d0: 8 tiles of 4), which index the
// input directly, not along the output rows (d4, the largest range), whose
// input tiles would have a dynamic halo (`d4 + d1`). The bias broadcast
// (8192 floats) stays on the calling thread. The GEMM (32 x 288 x 256,
// 4.7 MFLOP) is split along N, its output positions, into 8 tiles of 32
// since A (the weights, 36 KiB) stays in cache: before, FLOPs were not
// told from payload ops and its N went into 2 tiles only.
// DEFAULT-LABEL: func.func @conv3x3(
// DEFAULT:         call @kiln_parallel_for(%{{.+}}, %{{.+}}, %c8_i64,
// DEFAULT:         linalg.generic {{.*}} ins(%{{.+}} : memref<32x1xf32>)
// DEFAULT:         call @kiln_parallel_for(%{{.+}}, %{{.+}}, %c8_i64_{{[0-9]+}},
// DEFAULT:         return
// DEFAULT-LABEL: func.func private @conv3x3_parallel1(
// DEFAULT:         scf.for
// DEFAULT:           memref.subview %{{.+}}[0, %{{.+}}] [288, 32] [1, 1]
// DEFAULT:           linalg.matmul
// DEFAULT-LABEL: func.func private @conv3x3_parallel0(
// DEFAULT:         scf.for
// DEFAULT:           memref.subview %{{.+}}[0, %{{.+}}, 0, 0] [1, 4, 18, 18] [1, 1, 1, 1] : memref<1x32x18x18xf32> to memref<1x4x18x18xf32,
// DEFAULT:           memref.subview %{{.+}}[%{{.+}}, 0, 0, 0, 0, 0] [4, 3, 3, 1, 16, 16] [1, 1, 1, 1, 1, 1]
// DEFAULT:           linalg.generic
func.func @conv3x3(%x: memref<1x32x18x18xf32>, %cols: memref<32x3x3x1x16x16xf32>, %w: memref<32x288xf32>, %b: memref<32x1xf32>, %y: memref<32x256xf32>) {
  linalg.generic {indexing_maps = [#im2col, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x32x18x18xf32>) outs(%cols : memref<32x3x3x1x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<32x1xf32>) outs(%y : memref<32x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %k = memref.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : memref<32x3x3x1x16x16xf32> into memref<288x256xf32>
  linalg.matmul ins(%w, %k : memref<32x288xf32>, memref<288x256xf32>) outs(%y : memref<32x256xf32>)
  return
}

// A ReLU on 2048 floats (a cost of 1k): waking a thread
// would cost more than it saves, so it stays serial at the default
// thresholds.
// DEFAULT-LABEL: func.func @tiny_relu(
// DEFAULT-NOT:     call @kiln_parallel_for
// DEFAULT:         linalg.generic
// DEFAULT-NEXT:    ^bb0
func.func @tiny_relu(%x: memref<1x32x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x32x8x8xf32>) outs(%x : memref<1x32x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }
  return
}
