// RUN: kiln-opt %s --split-input-file --kiln-fuse-epilogues | FileCheck %s

// An activation in place on the product: the epilogue is the same generic,
// marked, right after the matmul.
// CHECK-LABEL: func.func @relu(
// CHECK-SAME:      %[[A:[a-z0-9]+]]: memref<24x64xf32>, %[[B:[a-z0-9]+]]: memref<64x32xf32>, %[[C:[a-z0-9]+]]: memref<24x32xf32>)
// CHECK:         linalg.matmul ins(%[[A]], %[[B]] : {{.*}}) outs(%[[C]] : memref<24x32xf32>)
// CHECK-NEXT:    linalg.generic {{.*}} ins(%[[C]] : memref<24x32xf32>) outs(%[[C]] : memref<24x32xf32>) attrs = {kiln.epilogue}
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @relu(%a: memref<24x64xf32>, %b: memref<64x32xf32>, %c: memref<24x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<24x64xf32>, memref<64x32xf32>) outs(%c : memref<24x32xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<24x32xf32>) outs(%c : memref<24x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A convolution's product [F, positions] consumed through its NCHW view by
// a residual add and a ReLU: the epilogue iterates over the product's
// shape, the residual is collapsed to it, and the view is left unused.
// CHECK-LABEL: func.func @conv_residual(
// CHECK-SAME:      %[[W:[a-z0-9]+]]: memref<16x27xf32>, %[[COLS:[a-z0-9]+]]: memref<27x64xf32>, %[[R:[a-z0-9]+]]: memref<1x16x8x8xf32>, %[[C:[a-z0-9]+]]: memref<16x64xf32>)
// CHECK:         %[[RC:.+]] = memref.collapse_shape %[[R]] {{\[}}[0, 1], [2, 3]] : memref<1x16x8x8xf32> into memref<16x64xf32>
// CHECK-NEXT:    linalg.matmul ins(%[[W]], %[[COLS]] : {{.*}}) outs(%[[C]] : memref<16x64xf32>)
// CHECK-NEXT:    linalg.generic {indexing_maps = [#[[ID:.+]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[C]], %[[RC]] : memref<16x64xf32>, memref<16x64xf32>) outs(%[[C]] : memref<16x64xf32>) attrs = {kiln.epilogue}
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_residual(%w: memref<16x27xf32>, %cols: memref<27x64xf32>, %r: memref<1x16x8x8xf32>, %c: memref<16x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%w, %cols : memref<16x27xf32>, memref<27x64xf32>) outs(%c : memref<16x64xf32>)
  %e = memref.expand_shape %c [[0], [1, 2, 3]] output_shape [16, 1, 8, 8] : memref<16x64xf32> into memref<16x1x8x8xf32>
  %s = memref.collapse_shape %e [[0, 1], [2], [3]] : memref<16x1x8x8xf32> into memref<16x8x8xf32>
  %v = memref.expand_shape %s [[0, 1], [2], [3]] output_shape [1, 16, 8, 8] : memref<16x8x8xf32> into memref<1x16x8x8xf32>
  linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%v, %r : memref<1x16x8x8xf32>, memref<1x16x8x8xf32>) outs(%v : memref<1x16x8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %sum = arith.addf %x, %y : f32
    %m = arith.maximumf %sum, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// The same with the product over strips of 32 columns (a 16x16 image's
// im2col written as strips, kiln-pack-weight-strips): its output [16, 8, 32]
// and the consumer's [16, 16, 16] split the 256 positions differently; the
// residual goes to the product's shape through the merged 256.
// CHECK-LABEL: func.func @conv_residual_strips(
// CHECK:         %[[RC:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0, 1], [2, 3]] : memref<1x16x16x16xf32> into memref<16x256xf32>
// CHECK:         %[[RE:.+]] = memref.expand_shape %[[RC]] {{\[}}[0], [1, 2]] output_shape [16, 8, 32] : memref<16x256xf32> into memref<16x8x32xf32>
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK:         linalg.generic {{.*}} ins(%{{.+}}, %[[RE]] : memref<16x8x32xf32>, memref<16x8x32xf32>) outs(%{{.+}} : memref<16x8x32xf32>) attrs = {kiln.epilogue}
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
#sa = affine_map<(m, s, r, k) -> (m, k)>
#sb = affine_map<(m, s, r, k) -> (s, k, r)>
#sc = affine_map<(m, s, r, k) -> (m, s, r)>
#id4s = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_residual_strips(%w: memref<16x144xf32>, %strips: memref<8x144x32xf32>, %r: memref<1x16x16x16xf32>, %c: memref<16x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %cs = memref.expand_shape %c [[0], [1, 2]] output_shape [16, 8, 32] : memref<16x256xf32> into memref<16x8x32xf32>
  linalg.generic {indexing_maps = [#sa, #sb, #sc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %strips : memref<16x144xf32>, memref<8x144x32xf32>) outs(%cs : memref<16x8x32xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %mul = arith.mulf %p, %q : f32
    %add = arith.addf %acc, %mul : f32
    linalg.yield %add : f32
  }
  %v = memref.expand_shape %c [[0, 1], [2, 3]] output_shape [1, 16, 16, 16] : memref<16x256xf32> into memref<1x16x16x16xf32>
  linalg.generic {indexing_maps = [#id4s, #id4s, #id4s], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%v, %r : memref<1x16x16x16xf32>, memref<1x16x16x16xf32>) outs(%v : memref<1x16x16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %sum = arith.addf %x, %y : f32
    %m = arith.maximumf %sum, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A bias along N into another buffer, past an op that touches none of the
// consumer's buffers: the consumer moves up to the matmul, with the view
// of its output; the op in between stays where it was.
// CHECK-LABEL: func.func @bias_past_independent_op(
// CHECK-SAME:      %[[A:[a-z0-9]+]]: memref<8x16xf32>, %[[B:[a-z0-9]+]]: memref<16x32xf32>, %[[BIAS:[a-z0-9]+]]: memref<32xf32>, %[[X:[a-z0-9]+]]: memref<64xf32>, %[[Y:[a-z0-9]+]]: memref<64xf32>, %[[C:[a-z0-9]+]]: memref<8x32xf32>, %[[ARENA:[a-z0-9]+]]: memref<4096xi8>)
// CHECK:         %[[OUT:.+]] = memref.view %[[ARENA]]
// CHECK:         linalg.matmul
// CHECK-NEXT:    linalg.generic {indexing_maps = [#[[ID:.+]], #[[ROW:.+]], #[[ID]]], {{.*}} ins(%[[C]], %[[BIAS]] : memref<8x32xf32>, memref<32xf32>) outs(%[[OUT]] : memref<8x32xf32>) attrs = {kiln.epilogue}
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      linalg.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    linalg.copy ins(%[[X]] : memref<64xf32>) outs(%[[Y]] : memref<64xf32>)
// CHECK-NEXT:    return
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_past_independent_op(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %bias: memref<32xf32>, %x: memref<64xf32>, %y: memref<64xf32>, %c: memref<8x32xf32>, %arena: memref<4096xi8>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  linalg.copy ins(%x : memref<64xf32>) outs(%y : memref<64xf32>)
  %c1024 = arith.constant 1024 : index
  %out = memref.view %arena[%c1024][] : memref<4096xi8> to memref<8x32xf32>
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<8x32xf32>, memref<32xf32>) outs(%out : memref<8x32xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: the output takes bytes of the matmul's A (dead after it, so
// the memory plan may share them); later tiles of the matmul still read A.
// CHECK-LABEL: func.func @output_over_contraction_input(
// CHECK-NOT:     kiln.epilogue
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @output_over_contraction_input(%b: memref<16x16xf32>, %c: memref<16x16xf32>, %arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %a = memref.view %arena[%c0][] : memref<4096xi8> to memref<16x16xf32>
  %out = memref.view %arena[%c0][] : memref<4096xi8> to memref<16x16xf32>
  linalg.matmul ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%c : memref<16x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<16x16xf32>) outs(%out : memref<16x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  }
  return
}

// -----

// Left alone: the op in between copies the product before the ReLU; moving
// the ReLU up would change what it copies.
// CHECK-LABEL: func.func @product_read_in_between(
// CHECK-NOT:     kiln.epilogue
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @product_read_in_between(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>, %saved: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  memref.copy %c, %saved : memref<8x8xf32> to memref<8x8xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x8xf32>) outs(%c : memref<8x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Left alone: the product is read transposed (an element other than the
// one being computed), and across a reshape a broadcast operand would need
// part of a reshaped dim.
// CHECK-LABEL: func.func @transposed_read(
// CHECK-NOT:     kiln.epilogue
// CHECK-LABEL: func.func @broadcast_across_reshape(
// CHECK-NOT:     kiln.epilogue
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_read(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>, %out: memref<8x8xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x8xf32>) outs(%out : memref<8x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  return
}
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#h = affine_map<(d0, d1, d2, d3) -> (d2)>
func.func @broadcast_across_reshape(%w: memref<4x9xf32>, %cols: memref<9x16xf32>, %perRow: memref<4xf32>, %c: memref<4x16xf32>) {
  linalg.matmul ins(%w, %cols : memref<4x9xf32>, memref<9x16xf32>) outs(%c : memref<4x16xf32>)
  %v = memref.expand_shape %c [[0, 1], [2, 3]] output_shape [1, 4, 4, 4] : memref<4x16xf32> into memref<1x4x4x4xf32>
  linalg.generic {indexing_maps = [#id4, #h, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%v, %perRow : memref<1x4x4x4xf32>, memref<4xf32>) outs(%v : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: a contraction with two reduction dims (the second would be a
// loop around each tile, and the epilogue would run once per iteration).
// CHECK-LABEL: func.func @two_reductions(
// CHECK-NOT:     kiln.epilogue
#a = affine_map<(m, n, k1, k2) -> (m, k1, k2)>
#b = affine_map<(m, n, k1, k2) -> (k1, k2, n)>
#c = affine_map<(m, n, k1, k2) -> (m, n)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two_reductions(%a: memref<8x4x4xf32>, %b: memref<4x4x8xf32>, %c: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : memref<8x4x4xf32>, memref<4x4x8xf32>) outs(%c : memref<8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x8xf32>) outs(%c : memref<8x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  }
  return
}
