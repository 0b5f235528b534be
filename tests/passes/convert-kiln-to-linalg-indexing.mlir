// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg | FileCheck %s

// Gather: one generic over the result; the index is wrapped (negative counts
// from the end) and clamped into [0, dim - 1] before the data read.
// CHECK-LABEL: func.func @gather(
//  CHECK-SAME:     %[[X:.+]]: tensor<3x5xf32>, %[[I:.+]]: tensor<2xi32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[I]] : tensor<2xi32>)
//       CHECK:   ^bb0(%[[IDX:.+]]: i32, %{{.+}}: f32):
//       CHECK:     %[[D0:.+]] = linalg.index 0
//       CHECK:     %[[EXT:.+]] = arith.extsi %[[IDX]] : i32 to i64
//       CHECK:     arith.cmpi slt, %[[EXT]]
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     %[[POS:.+]] = arith.index_cast
//       CHECK:     tensor.extract %[[X]][%[[D0]], %[[POS]]] : tensor<3x5xf32>
//   CHECK-NOT:   kiln.gather
func.func @gather(%x: tensor<3x5xf32>, %i: tensor<2xi32>) -> tensor<3x2xf32> {
  %0 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<2xi32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// GatherND reads each tuple entry from the indices tensor.
// CHECK-LABEL: func.func @gather_nd(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x3x4xf32>, %[[I:.+]]: tensor<5x2xi64>
//       CHECK:   linalg.generic
//       CHECK:     %[[D0:.+]] = linalg.index 0
//       CHECK:     %[[D1:.+]] = linalg.index 1
//       CHECK:     tensor.extract %[[I]][%[[D0]], %{{.+}}] : tensor<5x2xi64>
//       CHECK:     tensor.extract %[[I]][%[[D0]], %{{.+}}] : tensor<5x2xi64>
//       CHECK:     tensor.extract %[[X]][%{{.+}}, %{{.+}}, %[[D1]]] : tensor<2x3x4xf32>
func.func @gather_nd(%x: tensor<2x3x4xf32>, %i: tensor<5x2xi64>) -> tensor<5x4xf32> {
  %0 = kiln.gather_nd %x, %i : (tensor<2x3x4xf32>, tensor<5x2xi64>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// ScatterElements with add: a loop nest over the updates carries the result,
// starting from data, and reads the current value before inserting.
// CHECK-LABEL: func.func @scatter_elements_add(
//  CHECK-SAME:     %[[X:.+]]: tensor<3x5xf32>, %[[I:.+]]: tensor<3x2xi64>, %[[U:.+]]: tensor<3x2xf32>
//       CHECK:   %[[R:.+]] = scf.for %[[A:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T:.+]] = %[[X]])
//       CHECK:     scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T2:.+]] = %[[T]])
//       CHECK:       %[[UPD:.+]] = tensor.extract %[[U]][%[[A]], %[[B]]]
//       CHECK:       tensor.extract %[[I]][%[[A]], %[[B]]]
//       CHECK:       %[[POS:.+]] = arith.index_cast
//       CHECK:       %[[CUR:.+]] = tensor.extract %[[T2]][%[[A]], %[[POS]]]
//       CHECK:       %[[SUM:.+]] = arith.addf %[[CUR]], %[[UPD]]
//       CHECK:       tensor.insert %[[SUM]] into %[[T2]][%[[A]], %[[POS]]]
//       CHECK:   return %[[R]]
func.func @scatter_elements_add(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// ScatterND without reduction overwrites: no read of the current value.
// CHECK-LABEL: func.func @scatter_nd(
//       CHECK:   scf.for
//       CHECK:     scf.for
//   CHECK-NOT:       arith.addf
//       CHECK:       tensor.insert
func.func @scatter_nd(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// OneHot compares the wrapped index with the position along the new axis.
// CHECK-LABEL: func.func @one_hot(
//       CHECK:   %[[OFF:.+]] = tensor.extract %{{.+}}[%{{.+}}] : tensor<2xf32>
//       CHECK:   %[[ON:.+]] = tensor.extract %{{.+}}[%{{.+}}] : tensor<2xf32>
//       CHECK:   linalg.generic
//       CHECK:     arith.fptosi
//       CHECK:     %[[J:.+]] = linalg.index 0
//       CHECK:     %[[HOT:.+]] = arith.cmpi eq
//       CHECK:     arith.select %[[HOT]], %[[ON]], %[[OFF]]
func.func @one_hot(%i: tensor<3xf32>, %v: tensor<2xf32>) -> tensor<4x3xf32> {
  %0 = kiln.one_hot %i, %v {axis = 0 : i64, depth = 4 : i64} : (tensor<3xf32>, tensor<2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Nearest upsampling by 2 of the last dim only: one generic, one tap; the
// table maps output column o to input column o / 2.
// CHECK-LABEL: func.func @resize_nearest(
//       CHECK:   %[[TABLE:.+]] = arith.constant dense<{{\[}}[0], [0], [1], [1], [2], [2]]> : tensor<6x1xi64>
//       CHECK:   linalg.generic
//       CHECK:     tensor.extract %[[TABLE]]
//   CHECK-NOT:     arith.mulf
//       CHECK:   } -> tensor<2x6xf32>
//   CHECK-NOT:   linalg.generic
func.func @resize_nearest(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %0 = kiln.resize %x {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "nearest",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// Linear on both dims: two generics (last dim first), two weighted taps
// each; half_pixel upsampling by 2 gives weights 0.25/0.75, and the
// neighbours outside the input repeat the edge.
// CHECK-LABEL: func.func @resize_linear(
//       CHECK:   arith.constant dense<{{\[}}[0, 0], [0, 1], [0, 1], [1, 1]]> : tensor<4x2xi64>
//       CHECK:   arith.constant dense<{{\[}}[2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01], [2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01]]> : tensor<4x2xf32>
//       CHECK:   %[[W:.+]] = linalg.generic
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   } -> tensor<2x4xf32>
//       CHECK:   linalg.generic
//       CHECK:     tensor.extract %[[W]]
//       CHECK:   } -> tensor<4x4xf32>
func.func @resize_linear(%x: tensor<2x2xf32>) -> tensor<4x4xf32> {
  %0 = kiln.resize %x {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "linear",
                       nearest_mode = "round_prefer_floor", roi = array<f64>, scales = array<f64: 2.0, 2.0>}
      : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// tf_crop_and_resize: positions outside the input select extrapolation_value.
// CHECK-LABEL: func.func @resize_crop_extrapolates(
//       CHECK:   %[[FLAGS:.+]] = arith.constant dense<[false, true]> : tensor<2xi1>
//       CHECK:   linalg.generic
//       CHECK:     %[[F:.+]] = tensor.extract %[[FLAGS]]
//       CHECK:     arith.select %[[F]], %{{.+}}, %{{.+}} : f32
func.func @resize_crop_extrapolates(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %0 = kiln.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 10.0 : f64, mode = "linear",
                       nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.5, 1.0, 1.5>,
                       scales = array<f64: 1.0, 0.5>}
      : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
