/* THGeneral.c: the thread-local error message and thread-count settings. */
#include <stdarg.h>
#include <stdio.h>
#include <omp.h>
#include "THGeneral.h"

static _Thread_local char th_error_message[1024];

int TH_setError(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(th_error_message, sizeof th_error_message, fmt, ap);
  va_end(ap);
  return TH_ERROR;
}

const char *TH_lastError(void) { return th_error_message; }

char *TH_formatShape(char *buf, int ndim, const int64_t *sizes) {
  size_t n = 0, cap = TH_SHAPE_STRLEN;
  n += (size_t)snprintf(buf, cap, "(");
  for (int i = 0; i < ndim && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, i ? ", %lld" : "%lld", (long long)sizes[i]);
  if (ndim == 1 && n < cap) n += (size_t)snprintf(buf + n, cap - n, ",");
  if (n < cap) snprintf(buf + n, cap - n, ")");
  return buf;
}

int TH_getNumThreads(void) { return omp_get_max_threads(); }

void TH_setNumThreads(int n) {
  if (n > 0) omp_set_num_threads(n);
}
