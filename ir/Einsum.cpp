//===- Einsum.cpp - Einsum equations: parsing and shape rules -------------===//

#include "ir/Einsum.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cctype>

namespace kiln {
namespace {

bool isLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)); }

/// One term of an equation: its letters before and after `...`.
struct Term {
  std::string before, after;
  bool ellipsis = false;
};

/// Splits \p text (no spaces) into a term; \returns false with \p error set
/// on a character that is not a letter or a second `...`.
bool parseTerm(llvm::StringRef text, llvm::StringRef what, Term &term,
               std::string &error) {
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("...")) {
      if (term.ellipsis) {
        error = (what + " '" + text + "' has more than one '...'").str();
        return false;
      }
      term.ellipsis = true;
      i += 3;
      continue;
    }
    char c = text[i++];
    if (!isLetter(c)) {
      error = (what + " '" + text + "' has '" + llvm::Twine(c) +
               "', which is neither a letter nor part of '...'")
                  .str();
      return false;
    }
    (term.ellipsis ? term.after : term.before) += c;
  }
  return true;
}

} // namespace

std::string EinsumEquation::str() const {
  return llvm::join(operands, ",") + "->" + result;
}

std::optional<EinsumEquation> parseEinsum(llvm::StringRef equation,
                                          llvm::ArrayRef<int64_t> ranks,
                                          bool requireExplicit,
                                          std::string &error) {
  std::string compact;
  for (char c : equation)
    if (!std::isspace(static_cast<unsigned char>(c)))
      compact += c;
  llvm::StringRef text(compact);
  auto [lhs, rhs] = text.split("->");
  bool hasArrow = text.contains("->");
  if (rhs.contains("->")) {
    error = "equation '" + equation.str() + "' has more than one '->'";
    return std::nullopt;
  }
  if (requireExplicit && !hasArrow) {
    error = "equation '" + equation.str() +
            "' must name its result after '->'";
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef> termTexts;
  lhs.split(termTexts, ',');
  if (termTexts.size() != ranks.size()) {
    error = "equation '" + equation.str() + "' has " +
            std::to_string(termTexts.size()) + " operand term" +
            (termTexts.size() == 1 ? "" : "s") + " but there are " +
            std::to_string(ranks.size()) + " operands";
    return std::nullopt;
  }

  llvm::SmallVector<Term> terms(termTexts.size());
  std::string used;
  int64_t ellipsisRank = 0;
  for (auto [i, termText] : llvm::enumerate(termTexts)) {
    Term &term = terms[i];
    if (!parseTerm(termText, "operand term " + std::to_string(i), term, error))
      return std::nullopt;
    if (requireExplicit && term.ellipsis) {
      error = "operand term " + std::to_string(i) + " '" + termText.str() +
              "' must not use '...'";
      return std::nullopt;
    }
    int64_t named = term.before.size() + term.after.size();
    if (named > ranks[i] || (!term.ellipsis && named != ranks[i])) {
      error = "operand term " + std::to_string(i) + " '" + termText.str() +
              "' names " + std::to_string(named) + " dims but operand " +
              std::to_string(i) + " has rank " + std::to_string(ranks[i]);
      return std::nullopt;
    }
    if (term.ellipsis)
      ellipsisRank = std::max(ellipsisRank, ranks[i] - named);
    used += term.before + term.after;
  }

  Term resultTerm;
  if (hasArrow &&
      !parseTerm(rhs, llvm::StringRef("result term"), resultTerm, error))
    return std::nullopt;
  if (requireExplicit && resultTerm.ellipsis) {
    error = "result term '" + rhs.str() + "' must not use '...'";
    return std::nullopt;
  }

  // Letters for the `...` dims: the first unused ones, in ASCII order.
  std::string fresh;
  for (char c = 'A'; c <= 'z' && static_cast<int64_t>(fresh.size()) <
                                     ellipsisRank;
       ++c)
    if (isLetter(c) && !llvm::is_contained(used, c) &&
        !llvm::is_contained(resultTerm.before + resultTerm.after, c))
      fresh += c;
  if (static_cast<int64_t>(fresh.size()) < ellipsisRank) {
    error = "equation '" + equation.str() + "' needs more than 52 letters";
    return std::nullopt;
  }

  EinsumEquation result;
  for (auto [i, term] : llvm::enumerate(terms)) {
    int64_t hidden =
        ranks[i] - static_cast<int64_t>(term.before.size() + term.after.size());
    std::string labels = term.before;
    if (term.ellipsis)
      labels += fresh.substr(fresh.size() - hidden);
    result.operands.push_back(labels + term.after);
  }

  if (hasArrow) {
    result.result = resultTerm.before +
                    (resultTerm.ellipsis ? fresh : std::string()) +
                    resultTerm.after;
    for (auto [i, c] : llvm::enumerate(result.result)) {
      if (result.result.find(c) != i) {
        error = "result term '" + rhs.str() + "' repeats '" +
                std::string(1, c) + "'";
        return std::nullopt;
      }
      if (!llvm::is_contained(used, c) && !llvm::is_contained(fresh, c)) {
        error = "result term '" + rhs.str() + "' has '" + std::string(1, c) +
                "', which no operand term has";
        return std::nullopt;
      }
    }
  } else {
    std::string once;
    for (char c : used)
      if (llvm::count(used, c) == 1)
        once += c;
    llvm::sort(once);
    result.result = fresh + once;
  }
  return result;
}

std::optional<std::map<char, int64_t>>
einsumLetterSizes(const EinsumEquation &equation,
                  llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                  std::string &error) {
  std::map<char, int64_t> sizes;
  std::map<char, size_t> firstOperand;
  for (auto [i, labels] : llvm::enumerate(equation.operands)) {
    for (auto [d, c] : llvm::enumerate(labels)) {
      int64_t size = shapes[i][d];
      auto [it, inserted] = sizes.try_emplace(c, size);
      if (inserted) {
        firstOperand[c] = i;
        continue;
      }
      if (size == it->second || size == 1)
        continue;
      if (it->second != 1) {
        error = "letter '" + std::string(1, c) + "' has size " +
                std::to_string(it->second) + " in operand " +
                std::to_string(firstOperand[c]) + " and size " +
                std::to_string(size) + " in operand " + std::to_string(i);
        return std::nullopt;
      }
      it->second = size;
      firstOperand[c] = i;
    }
  }
  return sizes;
}

} // namespace kiln
