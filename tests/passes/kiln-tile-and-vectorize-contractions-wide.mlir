// The wide register tile: products of at least 120 x 256 x 128 (M x N x K)
// take `wide-register-tile-sizes`, the others `register-tile-sizes`, in the
// same function. Without a wide tile, all take the one tile.
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 wide-register-tile-sizes=2,32,1 cache-tile-sizes=0,0,0 vector-bits=256 lower-contractions=0}))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,0,0 vector-bits=256 lower-contractions=0}))' | FileCheck %s --check-prefix=ONE

// CHECK-LABEL: func.func @two_sizes(
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//       CHECK:   vector.contract {{.*}} : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
//   CHECK-NOT:   into vector<2x32xf32>
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-NOT:   into vector<2x32xf32>
//       CHECK:   return
// ONE-LABEL: func.func @two_sizes(
//   ONE-NOT:   vector<2x32xf32>
//       ONE:   return
func.func @two_sizes(%a: memref<8x64xf32>, %b: memref<64x64xf32>, %c: memref<8x64xf32>,
                     %la: memref<120x128xf32>, %lb: memref<128x256xf32>, %lc: memref<120x256xf32>,
                     %na: memref<119x128xf32>, %nc: memref<119x256xf32>) {
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x64xf32>)
                outs(%c : memref<8x64xf32>)
  linalg.matmul ins(%la, %lb : memref<120x128xf32>, memref<128x256xf32>)
                outs(%lc : memref<120x256xf32>)
  // One row short of the wide tile's M.
  linalg.matmul ins(%na, %lb : memref<119x128xf32>, memref<128x256xf32>)
                outs(%nc : memref<119x256xf32>)
  return
}
