//===- Diagnostics.cpp - Diagnostics for people, located at the model -----===//

#include "compiler/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"

namespace kiln {
namespace {

/// Collects the file and the node names a location refers to.
void describe(mlir::Location loc, std::string &file,
              llvm::SmallVectorImpl<std::string> &names) {
  if (auto fileLoc = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
    if (file.empty()) {
      file = fileLoc.getFilename().str();
      if (fileLoc.getLine() != 0)
        file += ":" + std::to_string(fileLoc.getLine()) + ":" +
                std::to_string(fileLoc.getColumn());
    }
  } else if (auto nameLoc = mlir::dyn_cast<mlir::NameLoc>(loc)) {
    names.push_back(nameLoc.getName().str());
    describe(nameLoc.getChildLoc(), file, names);
  } else if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc)) {
    for (mlir::Location inner : fused.getLocations())
      describe(inner, file, names);
  } else if (auto callSite = mlir::dyn_cast<mlir::CallSiteLoc>(loc)) {
    describe(callSite.getCallee(), file, names);
  }
}

const char *severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error: return "error";
  case mlir::DiagnosticSeverity::Warning: return "warning";
  case mlir::DiagnosticSeverity::Note: return "note";
  case mlir::DiagnosticSeverity::Remark: return "remark";
  }
  return "error";
}

std::string formatOne(mlir::Diagnostic &diagnostic) {
  std::string file;
  llvm::SmallVector<std::string> names;
  describe(diagnostic.getLocation(), file, names);
  std::string message = diagnostic.str();
  std::string out;
  if (!file.empty())
    out += file + ": ";
  out += severityName(diagnostic.getSeverity());
  out += ": ";
  // Name the node unless the message already does.
  std::string nodes;
  for (const std::string &name : names)
    if (message.find("'" + name + "'") == std::string::npos)
      nodes += (nodes.empty() ? "'" : ", '") + name + "'";
  if (!nodes.empty())
    out += (names.size() > 1 ? "nodes " : "node ") + nodes + ": ";
  return out + message;
}

} // namespace

std::string formatDiagnostic(mlir::Diagnostic &diagnostic) {
  std::string out = formatOne(diagnostic);
  for (mlir::Diagnostic &note : diagnostic.getNotes())
    out += "\n" + formatOne(note);
  return out;
}

DiagnosticPrinter::DiagnosticPrinter(mlir::MLIRContext *context,
                                     llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context) {
  setHandler([&os](mlir::Diagnostic &diagnostic) {
    os << formatDiagnostic(diagnostic) << "\n";
    os.flush();
    return mlir::success();
  });
}

} // namespace kiln
