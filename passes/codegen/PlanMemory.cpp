//===- PlanMemory.cpp - One static scratch arena per entry point ----------===//
//
// Runs after bufferization and buffer-results-to-out-params, when every
// intermediate tensor is a memref.alloc of static shape in the entry block.
// Each alloc becomes a memref.view at a static offset of one scratch arena
// passed as the entry point's last argument, so generated code never calls
// an allocator. Offsets come from live ranges (Liveness.h): a greedy
// placement, largest buffers first, at the lowest 64-aligned offset that no
// simultaneously live buffer occupies.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/codegen/Liveness.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace kiln::passes {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "passes/Passes.h.inc"

namespace {

struct Buffer {
  mlir::memref::AllocOp alloc;
  int64_t bytes, first, last, offset = 0;
};

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Places \p buffers; \returns the arena size.
int64_t place(llvm::MutableArrayRef<Buffer> buffers, bool reuse,
              int64_t alignment) {
  if (!reuse) {
    int64_t end = 0;
    for (Buffer &b : buffers) {
      b.offset = end;
      end = alignTo(end + b.bytes, alignment);
    }
    return end;
  }
  llvm::SmallVector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  // A total order (ties broken by position), so plans are reproducible.
  llvm::sort(order, [](const Buffer *a, const Buffer *b) {
    if (a->bytes != b->bytes)
      return a->bytes > b->bytes;
    return a->first != b->first ? a->first < b->first : a < b;
  });
  llvm::SmallVector<Buffer *> placed;
  int64_t arena = 0;
  for (Buffer *b : order) {
    // Candidate offsets: 0 and the aligned end of every buffer live at the
    // same time; take the lowest one that collides with none of them.
    llvm::SmallVector<Buffer *> live;
    for (Buffer *p : placed)
      if (p->first <= b->last && b->first <= p->last)
        live.push_back(p);
    llvm::SmallVector<int64_t> candidates = {0};
    for (Buffer *p : live)
      candidates.push_back(alignTo(p->offset + p->bytes, alignment));
    llvm::sort(candidates);
    for (int64_t offset : candidates) {
      bool fits = llvm::none_of(live, [&](Buffer *p) {
        return offset < p->offset + p->bytes && p->offset < offset + b->bytes;
      });
      if (fits) {
        b->offset = offset;
        break;
      }
    }
    placed.push_back(b);
    arena = std::max(arena, alignTo(b->offset + b->bytes, alignment));
  }
  return arena;
}

struct PlanMemoryPass : impl::PlanMemoryPassBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<mlir::func::FuncOp>())
      if (!func.isExternal() && mlir::failed(plan(func)))
        return signalPassFailure();
  }

  mlir::LogicalResult plan(mlir::func::FuncOp func) {
    BufferLiveness liveness(func);
    llvm::SmallVector<Buffer> buffers;
    llvm::SmallVector<mlir::memref::AllocOp> empties;
    mlir::WalkResult walk = func.walk([&](mlir::memref::AllocOp alloc) {
      mlir::MemRefType type = alloc.getType();
      if (alloc->getParentOp() != func.getOperation() ||
          !type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError("cannot be planned: kiln plans static, "
                          "identity-layout allocations of the entry block");
        return mlir::WalkResult::interrupt();
      }
      auto range = liveness.liveRange(alloc.getResult());
      if (!range) {
        alloc.emitOpError("cannot be planned: the buffer escapes the function");
        return mlir::WalkResult::interrupt();
      }
      // A zero-size buffer needs no bytes, and nothing is ever read or
      // written through it: it stays out of the plan (a function whose
      // buffers are all empty takes no scratch argument, as the ABI says
      // for scratch_bytes = 0) and becomes an empty stack allocation.
      if (BufferLiveness::bytesOf(type) == 0) {
        empties.push_back(alloc);
        return mlir::WalkResult::advance();
      }
      buffers.push_back({alloc, BufferLiveness::bytesOf(type), range->first,
                         range->second});
      return mlir::WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return mlir::failure();
    for (mlir::memref::AllocOp alloc : empties) {
      mlir::OpBuilder builder(alloc);
      auto alloca = builder.create<mlir::memref::AllocaOp>(alloc.getLoc(),
                                                           alloc.getType());
      for (mlir::Operation *user :
           llvm::make_early_inc_range(alloc->getUsers()))
        if (mlir::isa<mlir::memref::DeallocOp>(user))
          user->erase();
      alloc.getResult().replaceAllUsesWith(alloca.getResult());
      alloc.erase();
    }

    int64_t arena = place(buffers, reuse, alignment);
    mlir::OpBuilder builder(func.getContext());

    // The plan, for the driver (--memory-plan, kiln inspect) and readers.
    llvm::SmallVector<mlir::Attribute> entries;
    int64_t naive = 0;
    llvm::SmallVector<int64_t> liveBytes(liveness.size() + 1, 0);
    for (Buffer &b : buffers) {
      naive += b.bytes;
      for (int64_t step = b.first; step <= b.last; ++step)
        liveBytes[step] += b.bytes;
      std::string type;
      llvm::raw_string_ostream os(type);
      os << b.alloc.getType();
      entries.push_back(builder.getDictionaryAttr({
          builder.getNamedAttr("offset", builder.getI64IntegerAttr(b.offset)),
          builder.getNamedAttr("bytes", builder.getI64IntegerAttr(b.bytes)),
          builder.getNamedAttr("first", builder.getI64IntegerAttr(b.first)),
          builder.getNamedAttr("last", builder.getI64IntegerAttr(b.last)),
          builder.getNamedAttr("producer", builder.getStringAttr(
                                   BufferLiveness::producerOf(b.alloc.getLoc()))),
          builder.getNamedAttr("type", builder.getStringAttr(os.str())),
      }));
    }
    int64_t lowerBound = *llvm::max_element(liveBytes);
    func->setAttr(kMemoryPlanAttr,
                  builder.getDictionaryAttr({
                      builder.getNamedAttr("arena_bytes",
                                           builder.getI64IntegerAttr(arena)),
                      builder.getNamedAttr("alignment",
                                           builder.getI64IntegerAttr(alignment)),
                      builder.getNamedAttr("lower_bound",
                                           builder.getI64IntegerAttr(lowerBound)),
                      builder.getNamedAttr("naive_bytes",
                                           builder.getI64IntegerAttr(naive)),
                      builder.getNamedAttr("steps", builder.getI64IntegerAttr(
                                                        liveness.size())),
                      builder.getNamedAttr("reuse", builder.getBoolAttr(reuse)),
                      builder.getNamedAttr("buffers",
                                           builder.getArrayAttr(entries)),
                  }));
    if (buffers.empty())
      return mlir::success();

    // The arena is the last argument: memref<ARENA x i8>.
    auto arenaType = mlir::MemRefType::get({arena}, builder.getI8Type());
    unsigned index = func.getNumArguments();
    func.insertArgument(
        index, arenaType,
        builder.getDictionaryAttr(
            builder.getNamedAttr(kScratchArgAttr, builder.getUnitAttr())),
        func.getLoc());
    mlir::Value scratch = func.getArgument(index);
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      mlir::Value offset = builder.create<mlir::arith::ConstantIndexOp>(
          b.alloc.getLoc(), b.offset);
      auto view = builder.create<mlir::memref::ViewOp>(
          b.alloc.getLoc(), b.alloc.getType(), scratch, offset,
          mlir::ValueRange());
      // Deallocations of planned buffers are gone with the allocations.
      for (mlir::Operation *user :
           llvm::make_early_inc_range(b.alloc->getUsers()))
        if (mlir::isa<mlir::memref::DeallocOp>(user))
          user->erase();
      b.alloc.getResult().replaceAllUsesWith(view.getResult());
      b.alloc.erase();
    }
    return mlir::success();
  }
};
} // namespace
} // namespace kiln::passes
