/*===- kiln/status.h - Status codes of the runtime C API -----------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * A small canonical set of result codes, modelled on IREE's. Detailed text
 * travels separately (an error buffer or a session's last error message);
 * the code says what kind of failure happened, so callers can branch on it.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_STATUS_H
#define KILN_STATUS_H

#include "kiln/api.h"

KILN_EXTERN_C_BEGIN

/// Result of every fallible runtime call. Zero is success, so
/// `if (status != KILN_STATUS_OK) return status;` propagates errors.
typedef enum kiln_status_e {
  KILN_STATUS_OK = 0,
  /// Caller error; retrying cannot help.
  KILN_STATUS_INVALID_ARGUMENT = 1,
  /// Unknown entry point or tensor name.
  KILN_STATUS_NOT_FOUND = 2,
  KILN_STATUS_OUT_OF_MEMORY = 3,
  /// e.g. input shape differs from the compiled one.
  KILN_STATUS_FAILED_PRECONDITION = 4,
  /// Artifact or file made for another ABI or CPU, or using a format
  /// feature the runtime does not support (e.g. a big-endian .npy file).
  KILN_STATUS_INCOMPATIBLE = 5,
  /// A runtime invariant broke: a bug.
  KILN_STATUS_INTERNAL = 6,
  /// A file cannot be opened, read, written or renamed.
  KILN_STATUS_IO_ERROR = 7,
  /// A file is corrupt or truncated.
  KILN_STATUS_DATA_LOSS = 8,
} kiln_status_t;

/// \returns a static name such as "INVALID_ARGUMENT", or "UNKNOWN" for a
/// value outside the enum; never NULL.
KILN_API const char *kiln_status_name(kiln_status_t status);

KILN_EXTERN_C_END

#endif /* KILN_STATUS_H */
