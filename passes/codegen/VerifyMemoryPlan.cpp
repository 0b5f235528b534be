//===- VerifyMemoryPlan.cpp - Prove a scratch-arena plan ------------------===//
//
// Independent of how the plan was made: reads the memref.view ops of the
// scratch argument, recomputes live ranges (Liveness.h) and checks that each
// view lies inside the arena, is aligned, and overlaps no other view that is
// live at the same time; and that the entry point allocates nothing.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/codegen/Liveness.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

namespace kiln::passes {
#define GEN_PASS_DEF_VERIFYMEMORYPLANPASS
#include "passes/Passes.h.inc"

namespace {

struct View {
  mlir::memref::ViewOp op;
  int64_t offset, bytes, first, last;
};

struct VerifyMemoryPlanPass
    : impl::VerifyMemoryPlanPassBase<VerifyMemoryPlanPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<mlir::func::FuncOp>())
      if (!func.isExternal() && mlir::failed(verify(func)))
        signalPassFailure();
  }

  mlir::LogicalResult verify(mlir::func::FuncOp func) {
    bool ok = true;
    func.walk([&](mlir::memref::AllocOp alloc) {
      alloc.emitOpError("allocates at run time: every buffer of an entry "
                        "point must be planned into its scratch arena");
      ok = false;
    });
    mlir::Value scratch;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, kScratchArgAttr))
        scratch = func.getArgument(i);
    if (!scratch)
      return mlir::success(ok);
    auto arenaType = mlir::cast<mlir::MemRefType>(scratch.getType());
    int64_t arena = arenaType.getNumElements();

    BufferLiveness liveness(func);
    llvm::SmallVector<View> views;
    for (mlir::Operation *user : scratch.getUsers()) {
      auto view = mlir::dyn_cast<mlir::memref::ViewOp>(user);
      llvm::APInt offset;
      if (!view ||
          !mlir::matchPattern(view.getByteShift(), mlir::m_ConstantInt(&offset)) ||
          !view.getType().hasStaticShape()) {
        user->emitOpError("uses the scratch arena other than as a static "
                          "memref.view");
        ok = false;
        continue;
      }
      auto range = liveness.liveRange(view.getResult());
      if (!range) {
        view.emitOpError("view of the scratch arena escapes the function");
        ok = false;
        continue;
      }
      View v{view, offset.getSExtValue(),
             BufferLiveness::bytesOf(view.getType()), range->first,
             range->second};
      if (v.offset < 0 || v.offset + v.bytes > arena) {
        view.emitOpError() << "buffer [" << v.offset << ", "
                           << v.offset + v.bytes
                           << ") lies outside the scratch arena of " << arena
                           << " bytes";
        ok = false;
      }
      int64_t align = alignment;
      if (v.offset % align != 0) {
        view.emitOpError() << "buffer offset " << v.offset
                           << " is not a multiple of " << align;
        ok = false;
      }
      views.push_back(v);
    }
    // In program order, so each conflict is reported at the later buffer.
    llvm::sort(views, [](const View &a, const View &b) {
      return a.first != b.first ? a.first < b.first : a.offset < b.offset;
    });
    for (size_t i = 0; i < views.size(); ++i)
      for (size_t j = i + 1; j < views.size(); ++j) {
        View &a = views[i], &b = views[j];
        bool sameTime = a.first <= b.last && b.first <= a.last;
        // An empty buffer has no bytes to share.
        bool sameBytes = a.bytes > 0 && b.bytes > 0 &&
                         a.offset < b.offset + b.bytes &&
                         b.offset < a.offset + a.bytes;
        if (sameTime && sameBytes) {
          auto diag = b.op.emitOpError()
                      << "buffer [" << b.offset << ", " << b.offset + b.bytes
                      << ") live at steps " << b.first << ".." << b.last
                      << " overlaps buffer [" << a.offset << ", "
                      << a.offset + a.bytes << ") live at steps " << a.first
                      << ".." << a.last;
          diag.attachNote(a.op.getLoc()) << "the other buffer is made here";
          ok = false;
        }
      }
    return mlir::success(ok);
  }
};
} // namespace
} // namespace kiln::passes
