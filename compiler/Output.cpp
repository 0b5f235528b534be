//===- Output.cpp - Write output files atomically -------------------------===//

#include "compiler/Output.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace kiln {

mlir::LogicalResult writeFileAtomically(
    llvm::StringRef path,
    llvm::function_ref<mlir::LogicalResult(llvm::raw_ostream &)> write,
    std::string &error) {
  if (path == "-") {
    if (mlir::failed(write(llvm::outs())))
      return mlir::failure();
    llvm::outs().flush();
    return mlir::success();
  }
  llvm::SmallString<256> temp;
  int fd;
  llvm::SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp)) {
    error = "cannot create a file next to '" + path.str() + "': " + ec.message();
    return mlir::failure();
  }
  bool ok;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    ok = mlir::succeeded(write(os));
    os.close();
    if (os.has_error()) {
      error = "cannot write '" + path.str() + "': " + os.error().message();
      os.clear_error();
      ok = false;
    }
  }
  if (ok) {
    if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
      error = "cannot write '" + path.str() + "': " + ec.message();
      ok = false;
    }
  }
  if (!ok)
    llvm::sys::fs::remove(temp);
  return mlir::success(ok);
}

} // namespace kiln
