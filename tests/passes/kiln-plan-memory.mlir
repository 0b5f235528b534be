// RUN: kiln-opt %s --split-input-file --kiln-plan-memory --kiln-verify-memory-plan | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-plan-memory=reuse=false --kiln-verify-memory-plan | FileCheck %s --check-prefix=NO-REUSE

// Three 256-byte temporaries in a chain: %a dies when %c is made, so %c
// reuses %a's bytes; the arena is two buffers, not three. Each alloc becomes
// a view of the new last argument, and the plan is recorded.
// CHECK-LABEL: func.func @chain_reuses_dead_buffers(
//  CHECK-SAME:     %{{.+}}: memref<64xf32>, %{{.+}}: memref<64xf32>, %[[S:.+]]: memref<512xi8> {kiln.scratch})
//  CHECK-SAME:     kiln.memory_plan = {alignment = 64 : i64, arena_bytes = 512 : i64,
//  CHECK-SAME:     lower_bound = 512 : i64, naive_bytes = 768 : i64
//   CHECK-NOT:   memref.alloc
//       CHECK:   %[[O1:.+]] = arith.constant 0 : index
//       CHECK:   memref.view %[[S]][%[[O1]]][] : memref<512xi8> to memref<64xf32>
//       CHECK:   %[[O2:.+]] = arith.constant 256 : index
//       CHECK:   memref.view %[[S]][%[[O2]]][] : memref<512xi8> to memref<64xf32>
//       CHECK:   %[[O3:.+]] = arith.constant 0 : index
//       CHECK:   memref.view %[[S]][%[[O3]]][] : memref<512xi8> to memref<64xf32>
// NO-REUSE-LABEL: func.func @chain_reuses_dead_buffers(
//  NO-REUSE-SAME:     memref<768xi8> {kiln.scratch}
func.func @chain_reuses_dead_buffers(%x: memref<64xf32>, %y: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  %b = memref.alloc() : memref<64xf32>
  linalg.copy ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
  %c = memref.alloc() : memref<64xf32>
  linalg.copy ins(%b : memref<64xf32>) outs(%c : memref<64xf32>)
  linalg.copy ins(%c : memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

// A buffer used through a view (a reshape) stays live until the view's last
// use: %a and %b overlap in time, so they must not share bytes.
// CHECK-LABEL: func.func @views_extend_lifetimes(
//  CHECK-SAME:     memref<128xi8> {kiln.scratch}
//  CHECK-SAME:     {bytes = 64 : i64, first = 0 : i64, last = 4 : i64, offset = 0 : i64
//  CHECK-SAME:     {bytes = 64 : i64, first = 3 : i64, last = 5 : i64, offset = 64 : i64
//       CHECK:   %[[A:.+]] = memref.view {{.*}} to memref<4x4xf32>
//       CHECK:   memref.collapse_shape %[[A]]
func.func @views_extend_lifetimes(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%flat : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%flat : memref<16xf32>) outs(%b : memref<16xf32>)
  linalg.copy ins(%b : memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// Must not change a function that allocates nothing.
// CHECK-LABEL: func.func @nothing_to_plan(
//  CHECK-SAME:     %{{.+}}: memref<4xf32>, %{{.+}}: memref<4xf32>)
//  CHECK-SAME:     kiln.memory_plan = {alignment = 64 : i64, arena_bytes = 0 : i64
func.func @nothing_to_plan(%x: memref<4xf32>, %y: memref<4xf32>) {
  linalg.copy ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
  return
}

// -----

// A zero-size buffer takes no arena bytes: it is not planned but becomes an
// empty stack allocation, so a function whose only buffer is empty takes no
// scratch argument (the ABI passes scratch only when scratch_bytes > 0).
// CHECK-LABEL: func.func @empty_buffer_is_not_planned(
//  CHECK-SAME:     %{{.+}}: memref<4x0xf32>, %{{.+}}: memref<4x0xf32>)
//  CHECK-SAME:     arena_bytes = 0 : i64, buffers = []
//   CHECK-NOT:   memref.alloc()
//       CHECK:   %[[E:.+]] = memref.alloca() : memref<4x0xf32>
//       CHECK:   linalg.copy ins(%{{.+}} : memref<4x0xf32>) outs(%[[E]] : memref<4x0xf32>)
//   CHECK-NOT:   memref.dealloc
func.func @empty_buffer_is_not_planned(%x: memref<4x0xf32>, %y: memref<4x0xf32>) {
  %a = memref.alloc() : memref<4x0xf32>
  linalg.copy ins(%x : memref<4x0xf32>) outs(%a : memref<4x0xf32>)
  linalg.copy ins(%a : memref<4x0xf32>) outs(%y : memref<4x0xf32>)
  memref.dealloc %a : memref<4x0xf32>
  return
}

// -----

// Next to planned buffers, an empty one still takes no bytes.
// CHECK-LABEL: func.func @empty_buffer_next_to_planned(
//  CHECK-SAME:     memref<64xi8> {kiln.scratch}
//  CHECK-SAME:     arena_bytes = 64 : i64
//  CHECK-SAME:     buffers = [{bytes = 16 : i64
//       CHECK:   memref.view {{.*}} to memref<4xf32>
//       CHECK:   memref.alloca() : memref<0x4xf32>
func.func @empty_buffer_next_to_planned(%x: memref<4xf32>, %e: memref<0x4xf32>, %y: memref<4xf32>, %z: memref<0x4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  %b = memref.alloc() : memref<0x4xf32>
  linalg.copy ins(%e : memref<0x4xf32>) outs(%b : memref<0x4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%y : memref<4xf32>)
  linalg.copy ins(%b : memref<0x4xf32>) outs(%z : memref<0x4xf32>)
  return
}
