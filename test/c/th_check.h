/* th_check.h: the check macro the C tests share.  CHECK(cond, fmt, ...) counts a check and,
 * when cond is false, counts a failure and prints where, what and the formatted detail; it is
 * safe to use from several threads.  A test's main() ends by printing the counts and
 * returning non-zero when anything failed. */
#ifndef TH_CHECK_H
#define TH_CHECK_H

#include <pthread.h>
#include <stdio.h>

static int failures = 0, checks = 0;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    pthread_mutex_lock(&report_lock);                                      \
    checks++;                                                              \
    if (!(cond)) {                                                         \
      failures++;                                                          \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
      fprintf(stderr, __VA_ARGS__);                                        \
      fprintf(stderr, "\n");                                               \
    }                                                                      \
    pthread_mutex_unlock(&report_lock);                                    \
  } while (0)

#endif
