//===- MemoryPlan.h - The scratch arena plan and its reports ----*- C++ -*-===//
//
// The compiler places every intermediate buffer of an entry point at a fixed
// offset in one scratch arena, from liveness over the function's top-level
// steps. This header holds that plan as plain data, plus the writers behind
// `--memory-plan` reports: a text table and an SVG timeline. The writers need
// no MLIR; they trust the planner for offsets and only recompute the bounds.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_MEMORYPLAN_H
#define KILN_COMPILER_MEMORYPLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// One intermediate buffer of a memory plan.
struct PlannedBuffer {
  int64_t offset = 0;   ///< Byte offset in the arena (64-aligned).
  int64_t bytes = 0;    ///< Size in bytes.
  int64_t first = 0;    ///< First step (top-level op index) it is live at.
  int64_t last = 0;     ///< Last step it is live at (inclusive).
  std::string producer; ///< ONNX node name(s) of the op that made it, or "".
  std::string type;     ///< e.g. "memref<1x6x28x28xf32>".
};

/// Where every intermediate buffer of one entry point lives in the arena.
struct MemoryPlan {
  std::string function;   ///< Entry point name.
  int64_t steps = 0;      ///< Number of top-level steps.
  int64_t arenaBytes = 0; ///< Size of the arena (max offset+bytes, 64-aligned).
  int64_t lowerBound = 0; ///< Max over steps of the bytes live at that step.
  int64_t naiveBytes = 0; ///< Sum of all buffer sizes (one slot each).
  bool reuse = true;      ///< false: --no-reuse, every buffer its own slot.
  std::vector<PlannedBuffer> buffers;
};

/// Recomputes lowerBound and naiveBytes from buffers (helper for the planner).
/// A buffer with last < first is never live: it counts towards naiveBytes
/// only.
void computePlanBounds(MemoryPlan &plan);

/// \returns a fixed-width text table: one row per buffer (index, offset,
/// bytes, live range first..last, type, producer), sorted by offset then
/// first, then a summary line: arena bytes, lower bound, naive sum,
/// arena/lower-bound ratio (e.g. "1.03x"), savings vs naive in %. The index
/// is the buffer's position in \p plan.buffers, as in formatPlanSvg().
std::string formatPlanTable(const MemoryPlan &plan);

/// \returns a standalone SVG (opens in a browser): x axis = steps (time),
/// y axis = byte offset (0 at top), one rectangle per buffer spanning
/// [first, last+1) x [offset, offset+bytes), each with a <title> tooltip
/// (producer, type, bytes, offset, range) and a colour derived from its index.
/// Axes are labelled in steps and KiB/MiB; a dashed line marks the lower
/// bound and a caption repeats the summary numbers. The only <rect> elements
/// are the background and the buffers; all text is XML-escaped.
std::string formatPlanSvg(const MemoryPlan &plan);

/// Human sizes: 512 -> "512 B", 1536 -> "1.5 KiB", 3*1024*1024 -> "3.0 MiB".
std::string formatBytes(int64_t bytes);

} // namespace kiln

#endif // KILN_COMPILER_MEMORYPLAN_H
