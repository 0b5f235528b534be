// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// convert-kiln-to-linalg's row fast path (RowNormalization.cpp): softmax,
// log-softmax over the last axis and layer norm over trailing dims of
// static f32 tensors become one scf.for over the rows, marked for
// kiln-parallelize-loops, whose sweeps of a row are loops of vector
// transfers: 32 columns at a time, then 8, then 1.

// Softmax over [2, 3, 45]: 6 rows of 45 = 32 + 8 + 5 columns. Each row is
// read for the max, read again for exp (written out, summed), and the
// written exps are scaled by 1 / sum; no linalg op sweeps the tensor.
// CHECK-LABEL: func.func @softmax_rows(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x3x45xf32>)
//   CHECK-NOT:   linalg.
//       CHECK:   %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x3x45xf32> into tensor<6x45xf32>
//       CHECK:   %[[INIT:.+]] = tensor.empty() : tensor<6x45xf32>
//       CHECK:   %[[LOOP:.+]] = scf.for %[[R:[a-z0-9]+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[Y:.+]] = %[[INIT]])
// Pass 1: the max; the 32-wide block folds by halves to a scalar.
//       CHECK:     %[[B32:.+]] = vector.transfer_read %[[ROWS]][%[[R]], %{{.+}}], %{{.+}} {in_bounds = [true]} : tensor<6x45xf32>, vector<32xf32>
//       CHECK:     arith.cmpf ogt, %[[B32]]
//       CHECK:     vector.extract_strided_slice {{.*}} vector<32xf32> to vector<16xf32>
//       CHECK:     vector.transfer_read %[[ROWS]]{{.*}} vector<8xf32>
//       CHECK:     scf.for {{.*}} -> (vector<1xf32>)
//       CHECK:       vector.transfer_read %[[ROWS]]{{.*}} vector<1xf32>
//       CHECK:       arith.cmpf ogt
// Pass 2: exp(x - max), written and summed.
//       CHECK:     arith.subf {{.*}} : vector<32xf32>
//       CHECK:     %[[E:.+]] = math.exp {{.*}} : vector<32xf32>
//       CHECK:     vector.transfer_write %[[E]], %[[Y]][%[[R]], %{{.+}}] {in_bounds = [true]} : vector<32xf32>, tensor<6x45xf32>
//       CHECK:     scf.for {{.*}} -> (vector<1xf32>, tensor<6x45xf32>)
//       CHECK:       math.exp {{.*}} : vector<1xf32>
// Pass 3: one division per row, a multiply per element.
//       CHECK:     %[[INV:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
//       CHECK:     vector.splat %[[INV]] : vector<32xf32>
//       CHECK:     arith.mulf {{.*}} : vector<32xf32>
//       CHECK:     scf.yield
//       CHECK:   } {kiln.parallel_rows = 225 : i64}
//       CHECK:   tensor.expand_shape %[[LOOP]] {{\[}}[0, 1], [2]] output_shape [2, 3, 45]
func.func @softmax_rows(%x: tensor<2x3x45xf32>) -> tensor<2x3x45xf32> {
  %0 = kiln.softmax %x {axis = 2 : i64} : tensor<2x3x45xf32>
  return %0 : tensor<2x3x45xf32>
}

// -----

// Log-softmax of a vector: one row (expanded to [1, 40]), whose loop
// canonicalize inlines; the sum of exps is not written, the output is
// (x - max) - log(sum).
// CHECK-LABEL: func.func @log_softmax_one_row(
//       CHECK:   tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [1, 40] : tensor<40xf32> into tensor<1x40xf32>
//       CHECK:   math.exp {{.*}} : vector<32xf32>
//   CHECK-NOT:   vector.transfer_write
//       CHECK:   math.exp {{.*}} : vector<8xf32>
//   CHECK-NOT:   vector.transfer_write
//       CHECK:   %[[LOG:.+]] = math.log %{{.+}} : f32
//       CHECK:   %[[S:.+]] = arith.subf %{{.+}}, %{{.+}} : vector<32xf32>
//       CHECK:   %[[L:.+]] = vector.splat %[[LOG]] : vector<32xf32>
//       CHECK:   %[[Y:.+]] = arith.subf %[[S]], %[[L]] : vector<32xf32>
//       CHECK:   vector.transfer_write %[[Y]]
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<1x40xf32> into tensor<40xf32>
func.func @log_softmax_one_row(%x: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.log_softmax %x {axis = 0 : i64} : tensor<40xf32>
  return %0 : tensor<40xf32>
}

// -----

// Layer norm over the last two dims: rows of 3 x 8; the mean, the variance
// of the centered row, then (x - mean) * invStd * scale + bias with scale
// and bias read as [24] vectors. inv_std_dev is used, so the loop also
// carries the per-row statistics ([2], one tensor.insert per row).
// CHECK-LABEL: func.func @layer_norm_rows(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x3x8xf32>, %[[S:.+]]: tensor<3x8xf32>, %[[B:.+]]: tensor<3x8xf32>)
//   CHECK-NOT:   linalg.
//   CHECK-DAG:   %[[SV:.+]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1]] : tensor<3x8xf32> into tensor<24xf32>
//   CHECK-DAG:   %[[BV:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1]] : tensor<3x8xf32> into tensor<24xf32>
//   CHECK-DAG:   %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<2x3x8xf32> into tensor<2x24xf32>
//       CHECK:   %[[LOOP:.+]]:3 = scf.for %[[R:[a-z0-9]+]] = {{.*}} -> (tensor<2x24xf32>, tensor<2xf32>, tensor<2xf32>)
//       CHECK:     vector.transfer_read %[[ROWS]][%[[R]], %{{.+}}]{{.*}} vector<8xf32>
//       CHECK:     arith.addf
//       CHECK:     %[[MEAN:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
//       CHECK:     arith.subf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:     math.sqrt
//       CHECK:     %[[INV:.+]] = arith.divf
//       CHECK:     arith.subf
//       CHECK:     arith.mulf
//       CHECK:     vector.transfer_read %[[SV]]
//       CHECK:     arith.mulf
//       CHECK:     vector.transfer_read %[[BV]]
//       CHECK:     arith.addf
//       CHECK:     vector.transfer_write
//       CHECK:     tensor.insert %[[MEAN]]
//       CHECK:     tensor.insert %[[INV]]
//       CHECK:   } {kiln.parallel_rows = 192 : i64}
//       CHECK:   tensor.expand_shape %[[LOOP]]#2 {{\[}}[0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
func.func @layer_norm_rows(%x: tensor<2x3x8xf32>, %s: tensor<3x8xf32>, %b: tensor<3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x1x1xf32>) {
  %0, %1, %2 = kiln.layer_norm %x, %s, %b {axis = 1 : i64} : (tensor<2x3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %0, %2 : tensor<2x3x8xf32>, tensor<2x1x1xf32>
}

// -----

// Statistics nobody reads are not computed into tensors: the loop carries
// the output only.
// CHECK-LABEL: func.func @layer_norm_output_only(
//       CHECK:   scf.for {{.*}} -> (tensor<4x16xf32>)
//   CHECK-NOT:   tensor.insert
func.func @layer_norm_output_only(%x: tensor<4x16xf32>, %s: tensor<16xf32>) -> tensor<4x16xf32> {
  %0, %1, %2 = kiln.layer_norm %x, %s {axis = 1 : i64} : (tensor<4x16xf32>, tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x1xf32>, tensor<4x1xf32>)
  return %0 : tensor<4x16xf32>
}

// -----

// The general lowering stays for what the fast path does not cover: must
// not fire for softmax along a non-last axis, for f64, or for a layer-norm
// scale that really broadcasts. (kiln ops have static shapes here: the
// importer specialises dynamic dims.)
// CHECK-LABEL: func.func @general_cases(
//   CHECK-NOT:   scf.for
//   CHECK-NOT:   vector.
//       CHECK:   return
func.func @general_cases(%x: tensor<4x6xf32>, %d: tensor<4x6xf64>, %s: tensor<1xf32>) -> (tensor<4x6xf32>, tensor<4x6xf64>, tensor<4x6xf32>) {
  %0 = kiln.softmax %x {axis = 0 : i64} : tensor<4x6xf32>
  %1 = kiln.softmax %d {axis = 1 : i64} : tensor<4x6xf64>
  %3, %4, %5 = kiln.layer_norm %x, %s {axis = 1 : i64} : (tensor<4x6xf32>, tensor<1xf32>) -> (tensor<4x6xf32>, tensor<4x1xf32>, tensor<4x1xf32>)
  return %0, %1, %3 : tensor<4x6xf32>, tensor<4x6xf64>, tensor<4x6xf32>
}
