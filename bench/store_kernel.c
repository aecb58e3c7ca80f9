// store_kernel: a store-heavy CPU kernel for ferry's benchmarks.
//
// Repeats a sieve of Eratosthenes over a 16 MiB byte array (dense sequential
// and strided stores), then a pass of pseudo-random read-modify-write updates
// over a 4 MiB table of 64-bit counters (scattered stores across ~1000 pages).
// Prints one checksum line; the output depends only on the scale.
//
// usage: store_kernel [DIVISOR]   (DIVISOR > 1 shrinks the work, for --quick)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t sieve(uint8_t* composite, size_t n) {
  memset(composite, 0, n);
  for (size_t i = 2; i * i < n; i++) {
    if (composite[i]) continue;
    for (size_t j = i * i; j < n; j += i) composite[j] = 1;
  }
  uint64_t count = 0, weighted = 0;
  for (size_t i = 2; i < n; i++) {
    if (!composite[i]) {
      count++;
      weighted += i & 0xffff;
    }
  }
  return count * 1000003u + weighted;
}

static uint64_t scatter(uint64_t* table, size_t words, size_t updates, uint64_t seed) {
  uint64_t x = seed | 1;
  for (size_t i = 0; i < words; i++) table[i] = i * 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < updates; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    size_t k = (size_t)(x % words);
    table[k] = (table[k] ^ x) + i;
  }
  uint64_t h = 0;
  for (size_t i = 0; i < words; i++) h = (h ^ table[i]) * 0x100000001b3ull;
  return h;
}

int main(int argc, char** argv) {
  long divisor = argc > 1 ? atol(argv[1]) : 1;
  if (divisor < 1) divisor = 1;
  size_t sieve_bytes = (size_t)(16u << 20) / (size_t)divisor;
  int sieve_rounds = 3;
  size_t table_words = (4u << 20) / sizeof(uint64_t);
  size_t updates = (size_t)8000000 / (size_t)divisor;

  uint8_t* composite = malloc(sieve_bytes);
  uint64_t* table = malloc(table_words * sizeof(uint64_t));
  if (!composite || !table) {
    fprintf(stderr, "store_kernel: out of memory\n");
    return 1;
  }
  uint64_t sum = 0;
  for (int r = 0; r < sieve_rounds; r++) {
    // Vary n slightly per round so the compiler cannot hoist the work.
    sum = sum * 31 + sieve(composite, sieve_bytes - (size_t)r * 4096);
  }
  sum ^= scatter(table, table_words, updates, 0x243f6a8885a308d3ull);
  printf("store_kernel checksum %016llx\n", (unsigned long long)sum);
  free(composite);
  free(table);
  return 0;
}
