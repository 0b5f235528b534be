//===- Npy.cpp - NumPy .npy reader and writer -------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY", a
// major and a minor version byte, a little-endian header length (2 bytes in
// 1.0, 4 in 2.0 and 3.0), the header (a Python dict literal with keys
// 'descr', 'fortran_order' and 'shape', padded with spaces and a newline so
// that the data starts at a multiple of 64), then the raw data.
//
// The reader checks every size against the file size before allocating, so a
// corrupt header is reported as DATA_LOSS instead of a huge allocation.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "Format.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace kiln::rt {

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr size_t magicSize = sizeof(magic) - 1;
/// numpy.lib.format.ARRAY_ALIGN: the data starts at a multiple of this.
constexpr size_t arrayAlign = 64;
/// numpy.lib.format.GROWTH_AXIS_MAX_DIGITS: numpy.save pads the header so
/// that the first dimension can grow to this many digits in place; copied so
/// that our files are byte-identical to NumPy's.
constexpr size_t growthAxisMaxDigits = 21;
/// Longest header text quoted in a "malformed header" message.
constexpr size_t maxQuotedHeader = 200;

/// How a kiln dtype is spelled in a .npy 'descr', minus the byte-order
/// character, and the byte-order character NumPy writes for it.
struct Descr {
  kiln_dtype_t dtype;
  const char *code;
  char byteOrder;
};

constexpr Descr descrs[] = {
    {KILN_DTYPE_F32, "f4", '<'},  {KILN_DTYPE_F64, "f8", '<'},
    {KILN_DTYPE_F16, "f2", '<'},  {KILN_DTYPE_BF16, "V2", '<'},
    {KILN_DTYPE_I8, "i1", '|'},   {KILN_DTYPE_I16, "i2", '<'},
    {KILN_DTYPE_I32, "i4", '<'},  {KILN_DTYPE_I64, "i8", '<'},
    {KILN_DTYPE_U8, "u1", '|'},   {KILN_DTYPE_U16, "u2", '<'},
    {KILN_DTYPE_U32, "u4", '<'},  {KILN_DTYPE_U64, "u8", '<'},
    {KILN_DTYPE_BOOL, "b1", '|'},
};

const Descr *findDescr(kiln_dtype_t dtype) {
  for (const Descr &descr : descrs)
    if (descr.dtype == dtype)
      return &descr;
  return nullptr;
}

/// Maps a descr such as "<f4" to a dtype; only '<' and '|' byte orders are
/// little-endian (or order-free) and accepted.
const Descr *parseDescr(std::string_view text) {
  if (text.size() < 2 || (text[0] != '<' && text[0] != '|'))
    return nullptr;
  for (const Descr &descr : descrs)
    if (text.substr(1) == descr.code)
      return &descr;
  return nullptr;
}

/// Python's repr() of a shape tuple: "()", "(4,)", "(2, 3)".
std::string formatShape(const int64_t *dims, size_t rank) {
  std::string text = "(";
  for (size_t i = 0; i < rank; ++i) {
    if (i > 0)
      text += ", ";
    text += std::to_string(dims[i]);
  }
  if (rank == 1)
    text += ",";
  text += ")";
  return text;
}

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

/// The three keys of a .npy header.
struct NpyHeader {
  /// The descr string (e.g. "<f4"), or the raw text of a non-string descr
  /// (a structured dtype's list) when descrIsString is false.
  std::string descr;
  bool descrIsString = false;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses the Python dict literal of a .npy header. NumPy evaluates it with
/// ast.literal_eval; this accepts the subset NumPy (any version) writes:
/// string keys, a string or bracketed descr, True/False and a tuple of
/// non-negative integers (with Python 2's optional 'L' suffix).
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  /// \returns false with \p problem describing the first syntax error.
  bool parse(NpyHeader &header, std::string &problem) {
    bool seenDescr = false, seenFortranOrder = false, seenShape = false;
    skipSpace();
    if (!consume('{'))
      return expected("'{'", problem);
    skipSpace();
    while (!consume('}')) {
      std::string key;
      if (!parseString(key))
        return expected("a string key or '}'", problem);
      skipSpace();
      if (!consume(':'))
        return expected("':'", problem);
      skipSpace();
      bool *seen = nullptr;
      bool ok = false;
      if (key == "descr") {
        seen = &seenDescr;
        header.descrIsString = peek() == '\'' || peek() == '"';
        ok = header.descrIsString ? parseString(header.descr)
                                  : skipBracketed(header.descr);
      } else if (key == "fortran_order") {
        seen = &seenFortranOrder;
        ok = parseBool(header.fortranOrder);
      } else if (key == "shape") {
        seen = &seenShape;
        ok = parseShape(header.shape);
      } else {
        problem = formatString("unexpected key '%s'", key.c_str());
        return false;
      }
      if (!ok)
        return expected(("a value for '" + key + "'").c_str(), problem);
      if (*seen) {
        problem = formatString("duplicate key '%s'", key.c_str());
        return false;
      }
      *seen = true;
      skipSpace();
      if (consume(','))
        skipSpace();
      else if (peek() != '}')
        return expected("',' or '}'", problem);
    }
    skipSpace();
    if (pos != text.size())
      return expected("end of header after '}'", problem);
    const char *missing = !seenDescr          ? "descr"
                          : !seenFortranOrder ? "fortran_order"
                          : !seenShape        ? "shape"
                                              : nullptr;
    if (missing) {
      problem = formatString("missing key '%s'", missing);
      return false;
    }
    return true;
  }

private:
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }

  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }

  bool consumeWord(std::string_view word) {
    if (text.substr(pos, word.size()) != word)
      return false;
    pos += word.size();
    return true;
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool expected(const char *what, std::string &problem) const {
    problem = formatString("expected %s at offset %zu", what, pos);
    return false;
  }

  bool parseString(std::string &value) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t start = ++pos;
    // Escapes never occur in the strings NumPy writes; reject them rather
    // than decode them.
    while (pos < text.size() && text[pos] != quote && text[pos] != '\\')
      ++pos;
    if (peek() != quote)
      return false;
    value.assign(text.substr(start, pos - start));
    ++pos;
    return true;
  }

  bool parseBool(bool &value) {
    if (consumeWord("True"))
      value = true;
    else if (consumeWord("False"))
      value = false;
    else
      return false;
    return true;
  }

  bool parseInteger(int64_t &value) {
    if (peek() < '0' || peek() > '9')
      return false;
    uint64_t result = 0;
    constexpr auto maxValue =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (peek() >= '0' && peek() <= '9') {
      uint64_t digit = static_cast<uint64_t>(text[pos++] - '0');
      if (result > (maxValue - digit) / 10)
        return false;
      result = result * 10 + digit;
    }
    if (peek() == 'L' || peek() == 'l')
      ++pos;
    value = static_cast<int64_t>(result);
    return true;
  }

  /// A Python tuple: "()", "(4,)", "(2, 3)" or "(2, 3,)"; "(4)" is an int in
  /// Python, so NumPy rejects it and so do we.
  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return false;
    skipSpace();
    bool trailingComma = false;
    while (!consume(')')) {
      int64_t dim;
      if (!parseInteger(dim))
        return false;
      shape.push_back(dim);
      skipSpace();
      trailingComma = consume(',');
      if (!trailingComma && peek() != ')')
        return false;
      skipSpace();
    }
    return shape.size() != 1 || trailingComma;
  }

  /// Skips a bracketed value ([...] or (...), possibly nested, with quoted
  /// strings inside) and returns its raw text, for error messages.
  bool skipBracketed(std::string &raw) {
    size_t start = pos;
    if (peek() != '[' && peek() != '(')
      return false;
    std::vector<char> closers;
    while (pos < text.size()) {
      char c = text[pos];
      if (c == '\'' || c == '"') {
        std::string ignored;
        if (!parseString(ignored))
          return false;
        continue;
      }
      ++pos;
      if (c == '[' || c == '(') {
        closers.push_back(c == '[' ? ']' : ')');
      } else if (c == ']' || c == ')') {
        if (closers.empty() || closers.back() != c)
          return false;
        closers.pop_back();
        if (closers.empty()) {
          raw.assign(text.substr(start, pos - start));
          return true;
        }
      }
    }
    return false;
  }

  std::string_view text;
  size_t pos = 0;
};

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Reads exactly \p size bytes. The caller has already checked the file size,
/// so a short read means the file shrank under us or the device failed.
kiln_status_t readExactly(std::FILE *file, void *buffer, size_t size,
                          const char *path, std::string &error) {
  if (size == 0)
    return KILN_STATUS_OK;
  size_t got = std::fread(buffer, 1, size, file);
  if (got == size)
    return KILN_STATUS_OK;
  if (std::ferror(file))
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot read: %s",
                std::strerror(errno));
  return fail(error, KILN_STATUS_DATA_LOSS, path,
              "file shrank while being read");
}

uint32_t loadLittleEndian(const unsigned char *bytes, size_t size) {
  uint32_t value = 0;
  for (size_t i = size; i > 0; --i)
    value = (value << 8) | bytes[i - 1];
  return value;
}

} // namespace

kiln_status_t readNpy(const char *path, Tensor &out, std::string &error) {
  FilePtr file(std::fopen(path, "rb"));
  if (!file)
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot open: %s",
                std::strerror(errno));
  // fopen succeeds on a directory, and a pipe has no size to check against.
  struct stat info;
  if (::fstat(::fileno(file.get()), &info) != 0)
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot stat: %s",
                std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot read: %s",
                std::strerror(EISDIR));
  if (!S_ISREG(info.st_mode))
    return fail(error, KILN_STATUS_IO_ERROR, path,
                "cannot read: not a regular file");
  auto fileSize = static_cast<uint64_t>(info.st_size);

  // Magic string, version, and a header length of up to 4 bytes.
  unsigned char preamble[magicSize + 2 + 4];
  size_t preambleRead =
      static_cast<size_t>(std::min<uint64_t>(fileSize, magicSize + 2));
  if (kiln_status_t status =
          readExactly(file.get(), preamble, preambleRead, path, error);
      status != KILN_STATUS_OK)
    return status;
  if (preambleRead < magicSize || std::memcmp(preamble, magic, magicSize) != 0)
    return fail(error, KILN_STATUS_INVALID_ARGUMENT, path,
                "not a .npy file (it does not start with \"\\x93NUMPY\")");
  if (preambleRead < magicSize + 2)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated header: the file has only %zu bytes", preambleRead);

  unsigned major = preamble[magicSize], minor = preamble[magicSize + 1];
  if (minor != 0 || major < 1 || major > 3)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "unsupported .npy format version %u.%u (supported: 1.0, "
                "2.0, 3.0)",
                major, minor);
  size_t lengthSize = major == 1 ? 2 : 4;
  size_t headerOffset = magicSize + 2 + lengthSize;
  if (fileSize < headerOffset)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated header: the file has only %" PRIu64 " bytes",
                fileSize);
  if (kiln_status_t status = readExactly(file.get(), preamble + magicSize + 2,
                                         lengthSize, path, error);
      status != KILN_STATUS_OK)
    return status;
  uint64_t headerSize = loadLittleEndian(preamble + magicSize + 2, lengthSize);
  if (headerSize > fileSize - headerOffset)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated header: expected %" PRIu64
                " header bytes, found %" PRIu64,
                headerSize, fileSize - headerOffset);

  std::string headerText(static_cast<size_t>(headerSize), '\0');
  if (kiln_status_t status = readExactly(file.get(), headerText.data(),
                                         headerText.size(), path, error);
      status != KILN_STATUS_OK)
    return status;
  NpyHeader header;
  std::string problem;
  if (!HeaderParser(headerText).parse(header, problem)) {
    // Quote the header up to its padding; it is short and says what is wrong.
    std::string quoted = headerText.substr(0, maxQuotedHeader);
    quoted.erase(quoted.find_last_not_of(" \n") + 1);
    for (char &c : quoted)
      if (static_cast<unsigned char>(c) < 0x20 ||
          static_cast<unsigned char>(c) > 0x7E)
        c = '?';
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "malformed .npy header (%s): %s", problem.c_str(),
                quoted.c_str());
  }

  const Descr *descr =
      header.descrIsString ? parseDescr(header.descr) : nullptr;
  if (!descr) {
    const char *quote = header.descrIsString ? "'" : "";
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "unsupported dtype %s%s%s (only little-endian numeric types)",
                quote, header.descr.c_str(), quote);
  }
  if (header.fortranOrder)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "fortran_order=True is not supported (save a C-order array, "
                "e.g. numpy.ascontiguousarray(a))");
  if (header.shape.size() > KILN_TENSOR_MAX_RANK)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "rank %zu exceeds the maximum of %d", header.shape.size(),
                KILN_TENSOR_MAX_RANK);

  size_t rank = header.shape.size();
  const int64_t *dims = header.shape.data();
  std::string shapeText = formatShape(dims, rank);
  size_t elementSize = getDtypeSize(descr->dtype);
  std::optional<size_t> count = computeElementCount(rank, dims, elementSize);
  if (!count)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "shape %s is too large to address", shapeText.c_str());
  uint64_t expected = static_cast<uint64_t>(*count) * elementSize;
  uint64_t found = fileSize - headerOffset - headerSize;
  if (found < expected)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated data: expected %" PRIu64
                " bytes for shape %s of '%s', found %" PRIu64,
                expected, shapeText.c_str(), header.descr.c_str(), found);
  if (found > expected)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "trailing bytes after the data: expected %" PRIu64
                " bytes for shape %s of '%s', found %" PRIu64,
                expected, shapeText.c_str(), header.descr.c_str(), found);

  Tensor tensor;
  if (kiln_status_t status = Tensor::create(descr->dtype, rank, dims,
                                            /*zeroData=*/false, tensor);
      status != KILN_STATUS_OK)
    return fail(error, status, path, "cannot allocate %" PRIu64 " bytes",
                expected);
  if (kiln_status_t status = readExactly(file.get(), tensor.getData(),
                                         tensor.getByteSize(), path, error);
      status != KILN_STATUS_OK)
    return status;
  out = std::move(tensor);
  return KILN_STATUS_OK;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {
/// The complete version 1.0 preamble and header for \p tensor, as
/// numpy.save() writes it (numpy.lib.format._write_array_header).
std::string makeHeader(const Tensor &tensor, const Descr &descr) {
  std::string dict = "{'descr': '";
  dict += descr.byteOrder;
  dict += descr.code;
  dict += "', 'fortran_order': False, 'shape': ";
  dict += formatShape(tensor.getDims(), tensor.getRank());
  dict += ", }";
  if (tensor.getRank() > 0) {
    size_t digits = std::to_string(tensor.getDims()[0]).size();
    dict.append(growthAxisMaxDigits - digits, ' ');
  }
  // NumPy always pads with 1..arrayAlign spaces, never zero, then a newline.
  size_t unpadded = magicSize + 2 + 2 + dict.size() + 1;
  dict.append(arrayAlign - unpadded % arrayAlign, ' ');
  dict += '\n';

  // Version 2.0 exists for headers over 64 KiB, which only structured dtypes
  // with many fields reach; a rank <= 8 header is under 300 bytes.
  static_assert(KILN_TENSOR_MAX_RANK * 22 + 200 < 0xFFFF,
                "header might need .npy version 2.0");
  std::string bytes(magic, magicSize);
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(dict.size() & 0xFF);
  bytes += static_cast<char>(dict.size() >> 8);
  bytes += dict;
  return bytes;
}

/// Writes \p header and the data of \p tensor to \p file and closes it.
/// \returns 0, or the errno of the first failure.
int writeAndClose(std::FILE *file, const std::string &header,
                  const Tensor &tensor) {
  auto currentErrno = [] { return errno != 0 ? errno : EIO; };
  errno = 0;
  int result = 0;
  if (std::fwrite(header.data(), 1, header.size(), file) != header.size() ||
      (tensor.getByteSize() != 0 &&
       std::fwrite(tensor.getData(), 1, tensor.getByteSize(), file) !=
           tensor.getByteSize()))
    result = currentErrno();
  // fclose flushes the stdio buffer, so it can be the first to see ENOSPC.
  if (std::fclose(file) != 0 && result == 0)
    result = currentErrno();
  return result;
}
} // namespace

kiln_status_t writeNpy(const char *path, const Tensor &tensor,
                       std::string &error) {
  const Descr *descr = findDescr(tensor.getDtype());
  if (!descr)
    return fail(error, KILN_STATUS_INVALID_ARGUMENT, path,
                "tensor has no valid dtype");
  std::string header = makeHeader(tensor, *descr);

  // Same directory as the target, so that rename() cannot cross file systems.
  std::string tempPath = std::string(path) + ".tmp." +
                         std::to_string(static_cast<long>(::getpid()));
  std::FILE *file = std::fopen(tempPath.c_str(), "wb");
  if (!file)
    return fail(error, KILN_STATUS_IO_ERROR, path,
                "cannot create temporary file '%s': %s", tempPath.c_str(),
                std::strerror(errno));
  if (int writeErrno = writeAndClose(file, header, tensor)) {
    std::remove(tempPath.c_str());
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot write '%s': %s",
                tempPath.c_str(), std::strerror(writeErrno));
  }
  if (std::rename(tempPath.c_str(), path) != 0) {
    int renameErrno = errno;
    std::remove(tempPath.c_str());
    return fail(error, KILN_STATUS_IO_ERROR, path,
                "cannot rename '%s' over it: %s", tempPath.c_str(),
                std::strerror(renameErrno));
  }
  return KILN_STATUS_OK;
}

} // namespace kiln::rt
