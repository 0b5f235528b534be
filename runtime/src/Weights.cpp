//===- Weights.cpp - Memory-mapped weights files ----------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// A weights file is checked in two steps. Its 64-byte header, read with
// pread, must match the model: magic, format version, weight count, data
// size and checksum, so that a file from another compile of the model is
// reported as such (INCOMPATIBLE) before anything is mapped. The data region
// is then mapped read-only and hashed once, so that corruption (DATA_LOSS)
// is found at map time, not as wrong numbers later.
//
// The file is mapped shared: several processes running one model share its
// pages. Truncating the file while it is mapped makes later reads fault
// (SIGBUS), as with any mapped file.
//
//===----------------------------------------------------------------------===//

#include "Weights.h"

#include "Format.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstring>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::rt {

namespace {

/// The magic with its terminating NUL: all 8 bytes are compared.
constexpr char magic[] = KILN_WEIGHTS_MAGIC;
constexpr size_t magicSize = sizeof(magic);
static_assert(magicSize == 8, "the magic is 8 bytes, NUL included");
constexpr size_t headerBytes = KILN_WEIGHTS_HEADER_BYTES;
static_assert(headerBytes % weightAlignment == 0,
              "the data region must start aligned");
constexpr uint64_t fnvPrime = 1099511628211ull;

/// Closes a file descriptor when it goes out of scope.
class ScopedFd {
public:
  explicit ScopedFd(int fd) : fd(fd) {}
  ScopedFd(const ScopedFd &) = delete;
  ScopedFd &operator=(const ScopedFd &) = delete;
  ~ScopedFd() {
    if (fd >= 0)
      ::close(fd);
  }
  int get() const { return fd; }

private:
  int fd;
};

/// Reads bytes [0, \p size) of \p fd. The caller has already checked the
/// file size, so hitting the end means the file shrank under us.
kiln_status_t readPrefix(int fd, unsigned char *buffer, size_t size,
                         const char *path, std::string &error) {
  size_t done = 0;
  while (done < size) {
    ssize_t got =
        ::pread(fd, buffer + done, size - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return fail(error, KILN_STATUS_IO_ERROR, path, "cannot read: %s",
                  std::strerror(errno));
    if (got == 0)
      return fail(error, KILN_STATUS_DATA_LOSS, path,
                  "file shrank while being read");
    done += static_cast<size_t>(got);
  }
  return KILN_STATUS_OK;
}

template <typename T>
T loadLittleEndian(const unsigned char *bytes) {
  T value = 0;
  for (size_t i = sizeof(T); i > 0; --i)
    value = static_cast<T>((value << 8) | bytes[i - 1]);
  return value;
}

} // namespace

uint64_t computeFnv1a64(const void *data, size_t size, uint64_t hash) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ bytes[i]) * fnvPrime;
  return hash;
}

WeightsMapping::WeightsMapping(WeightsMapping &&other) noexcept
    : base(std::exchange(other.base, nullptr)),
      size(std::exchange(other.size, 0)), slots(std::move(other.slots)) {
  other.slots.clear();
}

WeightsMapping &WeightsMapping::operator=(WeightsMapping &&other) noexcept {
  if (this != &other) {
    reset();
    base = std::exchange(other.base, nullptr);
    size = std::exchange(other.size, 0);
    slots = std::move(other.slots);
    other.slots.clear();
  }
  return *this;
}

void WeightsMapping::reset() {
  // Live mappings never overlap, so a slot pointing into this one was set
  // by this one and not replaced since. The end is included: an empty weight
  // may sit there.
  auto begin = reinterpret_cast<uintptr_t>(base);
  for (void **slot : slots) {
    auto target = reinterpret_cast<uintptr_t>(*slot);
    if (base && target >= begin && target - begin <= size)
      *slot = nullptr;
  }
  slots.clear();
  if (base)
    ::munmap(const_cast<unsigned char *>(base), size);
  base = nullptr;
  size = 0;
}

kiln_status_t WeightsMapping::map(const kiln_model_info_t &model,
                                  const char *path, WeightsMapping &out,
                                  std::string &error) {
  if (model.num_weights == 0)
    return fail(error, KILN_STATUS_INVALID_ARGUMENT, path,
                "model '%s' keeps no weights in a file (num_weights is 0)",
                model.name);

  ScopedFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot open: %s",
                std::strerror(errno));
  struct stat info;
  if (::fstat(fd.get(), &info) != 0)
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot stat: %s",
                std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot read: %s",
                std::strerror(EISDIR));
  if (!S_ISREG(info.st_mode))
    return fail(error, KILN_STATUS_IO_ERROR, path,
                "cannot read: not a regular file");
  auto fileSize = static_cast<uint64_t>(info.st_size);

  unsigned char header[headerBytes];
  size_t headerRead =
      static_cast<size_t>(std::min<uint64_t>(fileSize, headerBytes));
  if (kiln_status_t status =
          readPrefix(fd.get(), header, headerRead, path, error);
      status != KILN_STATUS_OK)
    return status;
  if (headerRead < magicSize || std::memcmp(header, magic, magicSize) != 0)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "not a kiln weights file (it does not start with "
                "\"KILNWTS\\0\")");
  if (headerRead < headerBytes)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated header: the file has only %zu bytes", headerRead);

  auto version = loadLittleEndian<uint32_t>(header + 8);
  auto count = loadLittleEndian<uint32_t>(header + 12);
  auto checksum = loadLittleEndian<uint64_t>(header + 16);
  auto dataBytes = loadLittleEndian<uint64_t>(header + 24);
  if (version != KILN_WEIGHTS_FORMAT_VERSION)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "unsupported weights format version %" PRIu32
                " (supported: %d)",
                version, KILN_WEIGHTS_FORMAT_VERSION);
  // Each field names what differs, file value first, then the model's.
  if (count != static_cast<uint32_t>(model.num_weights))
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "written for another compile of model '%s' (weight count "
                "%" PRIu32 " != %d)",
                model.name, count, static_cast<int>(model.num_weights));
  if (dataBytes != model.weights_bytes)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "written for another compile of model '%s' (data size "
                "%" PRIu64 " != %" PRIu64 ")",
                model.name, dataBytes, model.weights_bytes);
  if (checksum != model.weights_checksum)
    return fail(error, KILN_STATUS_INCOMPATIBLE, path,
                "written for another compile of model '%s' (checksum "
                "0x%016" PRIx64 " != 0x%016" PRIx64 ")",
                model.name, checksum, model.weights_checksum);
  if (fileSize - headerBytes < dataBytes)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "truncated: expected %" PRIu64 " data bytes, found %" PRIu64,
                dataBytes, fileSize - headerBytes);
  // Only reachable where size_t is narrower than the file offsets.
  if (dataBytes > std::numeric_limits<size_t>::max() - headerBytes)
    return fail(error, KILN_STATUS_IO_ERROR, path,
                "cannot map %" PRIu64 " data bytes: too large for the "
                "address space",
                dataBytes);

  // Trailing bytes after the data region are not mapped.
  size_t mapSize = headerBytes + static_cast<size_t>(dataBytes);
  void *address =
      ::mmap(nullptr, mapSize, PROT_READ, MAP_SHARED, fd.get(), /*offset=*/0);
  if (address == MAP_FAILED)
    return fail(error, KILN_STATUS_IO_ERROR, path, "cannot map %zu bytes: %s",
                mapSize, std::strerror(errno));
  WeightsMapping mapping;
  mapping.base = static_cast<const unsigned char *>(address);
  mapping.size = mapSize;

  const unsigned char *data = mapping.base + headerBytes;
  if (uint64_t actual = computeFnv1a64(data, static_cast<size_t>(dataBytes));
      actual != checksum)
    return fail(error, KILN_STATUS_DATA_LOSS, path,
                "corrupt: data checksum 0x%016" PRIx64
                " does not match its header",
                actual);

  mapping.slots.reserve(static_cast<size_t>(model.num_weights));
  for (int32_t i = 0; i < model.num_weights; ++i) {
    const kiln_weight_info_t &weight = model.weights[i];
    // Generated code only reads weights; the slot type just cannot say so.
    *weight.slot =
        const_cast<unsigned char *>(data + static_cast<size_t>(weight.offset));
    mapping.slots.push_back(weight.slot);
  }
  out = std::move(mapping);
  return KILN_STATUS_OK;
}

} // namespace kiln::rt
