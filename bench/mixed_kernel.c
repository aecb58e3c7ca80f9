// mixed_kernel: a mixed compute kernel for ferry's benchmarks.
//
// Fills 1M 32-bit ints from a xorshift generator, sorts them with qsort
// (indirect calls through a comparator, loads and stores, branches), then
// runs an FNV-1a/rotate hash over the sorted bytes several times (ALU-bound).
// Prints one checksum line; the output depends only on the scale.
//
// usage: mixed_kernel [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int compare_u32(const void* a, const void* b) {
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return (x > y) - (x < y);
}

static uint64_t rotl(uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }

static uint64_t hash_bytes(const uint8_t* p, size_t n, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ull ^ seed, g = seed * 0x9e3779b97f4a7c15ull + 1;
  for (size_t i = 0; i < n; i++) {
    h = (h ^ p[i]) * 0x100000001b3ull;
    g = rotl(g + h, 23) ^ (g >> 7);
  }
  return h ^ g;
}

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  size_t n = (size_t)1000000 / (size_t)divisor;
  int hash_rounds = 4;

  uint32_t* v = malloc(n * sizeof *v);
  if (!v) {
    fprintf(stderr, "mixed_kernel: out of memory\n");
    return 1;
  }
  uint64_t x = 0x853c49e6748fea9bull;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v[i] = (uint32_t)(x >> 16);
  }
  qsort(v, n, sizeof *v, compare_u32);
  for (size_t i = 1; i < n; i++) {
    if (v[i - 1] > v[i]) {
      printf("mixed_kernel: not sorted at %zu\n", i);
      return 1;
    }
  }
  uint64_t sum = v[0] ^ ((uint64_t)v[n / 2] << 32) ^ v[n - 1];
  for (int r = 0; r < hash_rounds; r++) {
    sum = sum * 0x2545f4914f6cdd1dull + hash_bytes((const uint8_t*)v, n * sizeof *v, (uint64_t)r);
  }
  printf("mixed_kernel checksum %016llx\n", (unsigned long long)sum);
  free(v);
  return 0;
}
