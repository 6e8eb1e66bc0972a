/* THCGenerator.c: the per-device Philox generator state (seed and counter offset).
 *
 * As in PyTorch, a CUDA generator is only a seed and an offset: each random kernel reserves a
 * range of Philox counters with THC_philoxReserve and every thread derives its numbers from
 * (seed, its subsequence, offset), so results do not depend on launch geometry or timing.
 */
#include <pthread.h>
#include "THCGeneral.h"

#define THC_DEFAULT_SEED 67280421310721ull /* PyTorch's default seed */

static struct {
  uint64_t seed, offset;
  bool seeded;
} generators[THC_MAX_DEVICES];
static pthread_mutex_t generator_lock = PTHREAD_MUTEX_INITIALIZER;

static int check(int *device) {
  if (THC_init() != TH_OK) return TH_ERROR;
  if (*device < 0) *device = THC_currentDevice();
  if (*device < 0 || *device >= THC_deviceCount())
    return TH_setError("[cuda] invalid device index %d", *device);
  return TH_OK;
}

int THC_manualSeed(int device, uint64_t seed) {
  if (THC_init() != TH_OK) return TH_ERROR;
  int first = device, last = device;
  if (device < 0) {
    first = 0;
    last = THC_deviceCount() - 1;
  } else if (check(&first) != TH_OK) {
    return TH_ERROR;
  }
  pthread_mutex_lock(&generator_lock);
  for (int d = first; d <= last; d++) {
    generators[d].seed = seed;
    generators[d].offset = 0;
    generators[d].seeded = true;
  }
  pthread_mutex_unlock(&generator_lock);
  return TH_OK;
}

uint64_t THC_initialSeed(int device) {
  if (check(&device) != TH_OK) return 0;
  return generators[device].seeded ? generators[device].seed : THC_DEFAULT_SEED;
}

int THC_philoxReserve(int device, uint64_t increment, uint64_t *seed, uint64_t *offset) {
  if (check(&device) != TH_OK) return TH_ERROR;
  pthread_mutex_lock(&generator_lock);
  if (!generators[device].seeded) {
    generators[device].seed = THC_DEFAULT_SEED;
    generators[device].seeded = true;
  }
  *seed = generators[device].seed;
  *offset = generators[device].offset;
  /* offsets stay multiples of 4: one Philox call yields four 32-bit numbers */
  generators[device].offset += (increment + 3) / 4 * 4;
  pthread_mutex_unlock(&generator_lock);
  return TH_OK;
}
