/* THGeneral.h: the few things every part of the tensor core shares.
 *
 * Error handling: no function of lib/TH ever aborts or longjmps.  A function that can fail
 * returns TH_ERROR (or NULL for constructors) after calling TH_setError() with a message of
 * the form "[op] what went wrong"; the message lives in thread-local storage until the next
 * failure, so the caller (the Lua binding, a C host) can read it with TH_lastError().
 */
#ifndef TH_GENERAL_H
#define TH_GENERAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus /* also read by the CUDA backend's C++ kernel files */
extern "C" {
#endif

#if defined(__GNUC__)
#define TH_API __attribute__((visibility("default")))
#define TH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TH_LIKELY(x) __builtin_expect(!!(x), 1)
#define TH_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define TH_API
#define TH_PRINTF(f, a)
#define TH_LIKELY(x) (x)
#define TH_UNLIKELY(x) (x)
#endif

/* For small, hot thread-locals: avoids a __tls_get_addr call per access in a shared library. */
#if defined(__GNUC__)
#define TH_TLS_FAST __attribute__((tls_model("initial-exec")))
#else
#define TH_TLS_FAST
#endif

#define TH_OK 0
#define TH_ERROR (-1)

/* Tensors have at most this many dimensions. */
#define TH_MAX_DIMS 16

/* Record a failure; always returns TH_ERROR so `return TH_setError(...)` reads naturally. */
TH_API int TH_setError(const char *fmt, ...) TH_PRINTF(1, 2);
/* The message of the last failure on this thread ("" if none). */
TH_API const char *TH_lastError(void);

/* Formats sizes as "(2, 3)" into buf (at least TH_SHAPE_STRLEN bytes); returns buf. */
#define TH_SHAPE_STRLEN 400
TH_API char *TH_formatShape(char *buf, int ndim, const int64_t *sizes);

/* Number of OpenMP threads lib/TH uses for large kernels. */
TH_API int TH_getNumThreads(void);
TH_API void TH_setNumThreads(int n);

/* Elementwise kernels run in parallel only above this many elements. */
#define TH_PARALLEL_GRAIN 32768

#ifdef __cplusplus
}
#endif

#endif
