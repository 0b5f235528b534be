// RUN: kiln-opt %s --split-input-file --kiln-verify-memory-plan --verify-diagnostics

// A plan the checker must reject: %a (steps 1..4) and %b (steps 3..5) are
// live together at steps 3..4 but share bytes [0, 256).
func.func @overlapping_live_buffers(%x: memref<64xf32>, %y: memref<64xf32>,
                                    %s: memref<512xi8> {kiln.scratch}) {
  %c0 = arith.constant 0 : index
  // expected-note @+1 {{the other buffer is made here}}
  %a = memref.view %s[%c0][] : memref<512xi8> to memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  // expected-error @+1 {{buffer [0, 256) live at steps 3..5 overlaps buffer [0, 256) live at steps 1..4}}
  %b = memref.view %s[%c0][] : memref<512xi8> to memref<64xf32>
  linalg.copy ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
  linalg.copy ins(%b : memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

// A buffer that runs past the end of the arena.
func.func @outside_the_arena(%x: memref<64xf32>, %s: memref<256xi8> {kiln.scratch}) {
  %c64 = arith.constant 64 : index
  // expected-error @+1 {{buffer [64, 320) lies outside the scratch arena of 256 bytes}}
  %a = memref.view %s[%c64][] : memref<256xi8> to memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  return
}

// -----

// A misaligned buffer.
func.func @misaligned(%x: memref<4xf32>, %s: memref<256xi8> {kiln.scratch}) {
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{buffer offset 4 is not a multiple of 64}}
  %a = memref.view %s[%c4][] : memref<256xi8> to memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return
}

// -----

// An allocation left behind.
func.func @allocates(%x: memref<4xf32>) {
  // expected-error @+1 {{allocates at run time}}
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return
}

// -----

// Disjoint lifetimes may share bytes: no error.
func.func @disjoint_lifetimes_share(%x: memref<64xf32>, %y: memref<64xf32>,
                                    %s: memref<256xi8> {kiln.scratch}) {
  %c0 = arith.constant 0 : index
  %a = memref.view %s[%c0][] : memref<256xi8> to memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  linalg.copy ins(%a : memref<64xf32>) outs(%y : memref<64xf32>)
  %b = memref.view %s[%c0][] : memref<256xi8> to memref<64xf32>
  linalg.copy ins(%y : memref<64xf32>) outs(%b : memref<64xf32>)
  linalg.copy ins(%b : memref<64xf32>) outs(%x : memref<64xf32>)
  return
}

// -----

// An empty view has no bytes to share: inside a live buffer it is no
// conflict.
func.func @empty_view_overlaps_nothing(%x: memref<64xf32>, %e: memref<0x4xf32>,
                                       %s: memref<256xi8> {kiln.scratch}) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %a = memref.view %s[%c0][] : memref<256xi8> to memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  %b = memref.view %s[%c64][] : memref<256xi8> to memref<0x4xf32>
  linalg.copy ins(%e : memref<0x4xf32>) outs(%b : memref<0x4xf32>)
  linalg.copy ins(%a : memref<64xf32>) outs(%x : memref<64xf32>)
  return
}
