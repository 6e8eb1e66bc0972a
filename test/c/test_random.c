/* test_random.c: the generator and random ops of lib/TH, used from C alone: the Mersenne
 * Twister against its published reference value, seeding and state bytes (PyTorch's layout),
 * the portable and the AVX2 float32 normal kernels giving identical numbers, 0-based
 * randperm and multinomial, error paths that leave the generator alone, and threads sharing
 * one generator (every draw is accounted for, none is lost or repeated).
 *
 * Values from PyTorch 1.13: torch.manual_seed(10); torch.rand(3) and torch.randperm(8)
 * after torch.manual_seed(3). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "THRandom.h"

#include "th_check.h"

static void test_engine(void) {
  /* std::mt19937's reference: the 10000th output after seeding with 5489 */
  THGenerator *g = THGenerator_new(5489);
  uint32_t v = 0;
  for (int i = 0; i < 10000; i++) v = THGenerator_random(g);
  CHECK(v == 4123659995u, "10000th output %u", v);
  /* random64 is two draws, the first the high half */
  THGenerator_manualSeed(g, 1);
  uint32_t hi = THGenerator_random(g), lo = THGenerator_random(g);
  THGenerator_manualSeed(g, 1);
  uint64_t w = THGenerator_random64(g);
  CHECK(w == (((uint64_t)hi << 32) | lo), "random64 %llu", (unsigned long long)w);
  CHECK(THGenerator_initialSeed(g) == 1, "initial seed");
  THGenerator_free(g);
  g = THGenerator_new(TH_RNG_DEFAULT_SEED);
  CHECK(THGenerator_initialSeed(g) == UINT64_C(67280421310721), "default seed");
  THGenerator_free(g);
}

static void test_values(void) {
  THGenerator *g = THGenerator_new(10);
  int64_t n = 3;
  THTensor *t = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  CHECK(THTensor_uniform_(t, 0, 1, g) == TH_OK, "%s", TH_lastError());
  const float *f = THTensor_data(t);
  CHECK(f[0] == 0.4580846428871155f && f[1] == 0.4828565716743469f && f[2] == 0.3124983310699463f,
        "rand(3) %.9g %.9g %.9g", f[0], f[1], f[2]);
  THTensor_free(t);
  THGenerator_manualSeed(g, 3);
  THTensor *p = THTensor_randperm(8, TH_I64, TH_CPU, g);
  CHECK(p != NULL, "%s", TH_lastError());
  /* 0-based here; the Lua binding adds one */
  int64_t seen = 0;
  for (int i = 0; i < 8; i++) seen |= (int64_t)1 << ((int64_t *)THTensor_data(p))[i];
  CHECK(seen == 0xff, "randperm is a permutation of 0..7");
  THTensor_free(p);
  THGenerator_free(g);
}

static void test_state(void) {
  THGenerator *g = THGenerator_new(10);
  uint8_t st[TH_RNG_STATE_SIZE], st2[TH_RNG_STATE_SIZE];
  THGenerator_getState(g, st);
  CHECK(st[0] == 10 && st[8] == 1 && st[12] == 1 && st[16] == 0 && st[24] == 10, "header bytes");
  CHECK(st[5008] == 87 && st[5009] == 190 && st[5010] == 223 && st[5011] == 64, "last MT word");
  /* a normal sample cached by the float64 sampler is part of the state */
  int64_t n = 3;
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, 1, &n);
  THTensor_normal_(t, 0, 1, g);
  THGenerator_getState(g, st);
  CHECK(st[5040] == 1 && st[8] == 0x69 && st[16] == 8, "cache flag %d, left %d, next %d", st[5040], st[8], st[16]);
  int64_t one = 1;
  THTensor *a = THTensor_empty(TH_F64, TH_CPU, 1, &one), *b = THTensor_empty(TH_F64, TH_CPU, 1, &one);
  THTensor_normal_(a, 0, 1, g);
  CHECK(THGenerator_setState(g, st, sizeof st) == TH_OK, "%s", TH_lastError());
  THTensor_normal_(b, 0, 1, g);
  CHECK(*(double *)THTensor_data(a) == *(double *)THTensor_data(b), "restored stream");
  /* a bad state is refused and changes nothing */
  memcpy(st2, st, sizeof st);
  st2[8] = st2[9] = 0; /* left = 0 */
  THGenerator_getState(g, st);
  CHECK(THGenerator_setState(g, st2, sizeof st2) == TH_ERROR, "bad left accepted");
  CHECK(strstr(TH_lastError(), "invalid mt19937 state") != NULL, "%s", TH_lastError());
  CHECK(THGenerator_setState(g, st2, 100) == TH_ERROR, "bad size accepted");
  THGenerator_getState(g, st2);
  CHECK(memcmp(st, st2, sizeof st) == 0, "state changed by a failed set");
  THTensor_free(t);
  THTensor_free(a);
  THTensor_free(b);
  THGenerator_free(g);
}

static void test_kernels_agree(void) {
  /* the portable float32 normal kernel and the AVX2 one are the same function */
  int64_t n = 100003;
  THGenerator *g = THGenerator_new(7);
  THTensor *a = THTensor_empty(TH_F32, TH_CPU, 1, &n), *b = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  THTensor_normal_(a, 0.5, 2.5, g);
  THGenerator_manualSeed(g, 7);
  THRandom_forceScalar(1);
  THTensor_normal_(b, 0.5, 2.5, g);
  THRandom_forceScalar(0);
  CHECK(memcmp(THTensor_data(a), THTensor_data(b), (size_t)n * 4) == 0, "scalar and AVX2 normals differ");
  THTensor_free(a);
  THTensor_free(b);
  THGenerator_free(g);
}

static void test_errors(void) {
  THGenerator *g = THGenerator_new(1);
  uint8_t before[TH_RNG_STATE_SIZE], after[TH_RNG_STATE_SIZE];
  THGenerator_getState(g, before);
  int64_t n = 4;
  THTensor *i = THTensor_empty(TH_I64, TH_CPU, 1, &n), *f = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  CHECK(THTensor_uniform_(i, 0, 1, g) == TH_ERROR, "uniform_ on int64");
  CHECK(strcmp(TH_lastError(), "[uniform_] expected a floating point tensor, got int64") == 0, "%s", TH_lastError());
  CHECK(THTensor_normal_(f, 0, -1, g) == TH_ERROR, "negative std");
  CHECK(THTensor_randomFromTo_(i, 3, 3, true, g) == TH_ERROR, "empty range");
  CHECK(THTensor_randperm(-1, TH_I64, TH_CPU, g) == NULL, "negative n");
  int64_t sz[2] = {2, 2};
  THTensor *z = THTensor_full(TH_F32, TH_CPU, 2, sz, 0);
  CHECK(THTensor_multinomial(NULL, z, 1, false, g) == NULL, "zero weights");
  CHECK(strstr(TH_lastError(), "sum of probabilities <= 0") != NULL, "%s", TH_lastError());
  THGenerator_getState(g, after);
  CHECK(memcmp(before, after, sizeof before) == 0, "a failed call drew numbers");
  /* multinomial indices are 0-based in C */
  int64_t k = 3;
  THTensor *w = THTensor_full(TH_F32, TH_CPU, 1, &k, 0);
  ((float *)THTensor_data(w))[2] = 1;
  THTensor *m = THTensor_multinomial(NULL, w, 5, true, g);
  CHECK(m && ((int64_t *)THTensor_data(m))[0] == 2 && ((int64_t *)THTensor_data(m))[4] == 2, "multinomial index");
  THTensor_free(m);
  THTensor_free(w);
  THTensor_free(z);
  THTensor_free(i);
  THTensor_free(f);
  THGenerator_free(g);
}

static void test_empty_like(void) {
  int64_t sz[2] = {3, 4};
  THTensor *a = THTensor_empty(TH_F32, TH_CPU, 2, sz);
  THTensor *t = THTensor_transpose(a, 0, 1);
  THTensor *e = THTensor_emptyLikeDense(t, TH_F64);
  CHECK(e->size[0] == 4 && e->size[1] == 3 && e->stride[0] == 1 && e->stride[1] == 4 && e->dtype == TH_F64,
        "strides (%lld, %lld)", (long long)e->stride[0], (long long)e->stride[1]);
  THTensor_free(e);
  THTensor_free(t);
  THTensor_free(a);
}

/* ---- threads sharing a generator ---- */

typedef struct {
  THGenerator *g;
  int ops;
} Work;

static void *draw(void *arg) {
  Work *w = arg;
  int64_t n = 1000;
  THTensor *t = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  for (int i = 0; i < w->ops; i++) {
    THTensor_uniform_(t, 0, 1, w->g);  /* 1000 draws */
    THGenerator_random(w->g);          /* 1 draw */
  }
  THTensor_free(t);
  return NULL;
}

static void test_threads(void) {
  enum { NT = 4, OPS = 50 };
  THGenerator *g = THGenerator_new(99), *ref = THGenerator_new(99);
  pthread_t th[NT];
  Work w = {g, OPS};
  for (int i = 0; i < NT; i++) pthread_create(&th[i], NULL, draw, &w);
  for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
  for (long i = 0; i < (long)NT * OPS * 1001; i++) THGenerator_random(ref);
  uint8_t a[TH_RNG_STATE_SIZE], b[TH_RNG_STATE_SIZE];
  THGenerator_getState(g, a);
  THGenerator_getState(ref, b);
  CHECK(memcmp(a, b, sizeof a) == 0, "threads lost or repeated draws");
  THGenerator_free(g);
  THGenerator_free(ref);
}

int main(void) {
  test_engine();
  test_values();
  test_state();
  test_kernels_agree();
  test_errors();
  test_empty_like();
  test_threads();
  printf("%d checks, %d failures\n", checks, failures);
  return failures != 0;
}
