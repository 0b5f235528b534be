/*===- kiln/api.h - Export and linkage macros of the runtime C API -------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * Included by every public runtime header. KILN_API marks a function as part
 * of the C API: default visibility, so the symbols stay exported when the
 * static runtime is linked into a shared library built with
 * -fvisibility=hidden. KILN_EXTERN_C_BEGIN/END give the headers C linkage
 * when they are included from C++.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_API_H
#define KILN_API_H

#if defined(__GNUC__) || defined(__clang__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

#ifdef __cplusplus
#define KILN_EXTERN_C_BEGIN extern "C" {
#define KILN_EXTERN_C_END }
#else
#define KILN_EXTERN_C_BEGIN
#define KILN_EXTERN_C_END
#endif

#endif /* KILN_API_H */
