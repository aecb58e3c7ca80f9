/* stdio_bulk.c: CPU and FP work with printed checksums: qsort of 200k pseudo-random
 * ints, libm sums (link with -lm), exact IEEE operations and conversions, printf/strtod
 * round trips, and 1 MiB written through stdio to a tmpfile() and read back. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { /* xorshift64 */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
#define FNV0 0xcbf29ce484222325ull
#define PI 3.14159265358979323846

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  int failures = 0;

  /* 1. integer sort */
  enum { N = 200000 };
  static int v[N];
  for (int i = 0; i < N; i++) v[i] = (int)(next() >> 33) - (1 << 30);
  qsort(v, N, sizeof *v, cmp_int);
  int sorted = 1;
  for (int i = 1; i < N; i++)
    if (v[i - 1] > v[i]) sorted = 0;
  printf("qsort %d ints: sorted=%s min=%d median=%d max=%d hash=%016" PRIx64 "\n", N,
         sorted ? "yes" : "no", v[0], v[N / 2], v[N - 1], fnv1a(FNV0, v, sizeof v));
  failures += !sorted;

  /* 2. integer arithmetic */
  int64_t acc = 0;
  uint64_t uacc = 1;
  for (int64_t i = 1; i <= 100000; i++) {
    int64_t x = (int64_t)next();
    acc += x / (i * 7 - 350001) /* never 0 */ + x % (i + 3);
    uacc = uacc * 6364136223846793005ull + (uint64_t)i;
    uacc ^= uacc >> 29;
  }
  printf("int64 div/mod sum=%" PRId64 " lcg=%016" PRIx64 "\n", acc, uacc);
  printf("signed division: %d %d %d %d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2);

  /* 3. libm: sums print with 6 decimals, far above any last-bit difference */
  double s1 = 0, s2 = 0, s3 = 0;
  for (int i = 1; i <= 200000; i++) {
    s1 += sqrt((double)i) * sin((double)i);
    s2 += 1.0 / ((double)i * (double)i);
    s3 += log((double)i) * cos(i * 0.001) + exp(-i * 1e-5);
  }
  printf("sum sqrt(i)*sin(i) = %.6f\n", s1);
  printf("sum 1/i^2 = %.12f (pi^2/6 = %.12f)\n", s2, PI * PI / 6);
  printf("sum log(i)*cos(i/1000)+exp(-i/1e5) = %.6f\n", s3);
  printf("libm: exp(1)=%.12f log(10)=%.12f pow(2,0.5)=%.12f atan2(1,1)*4=%.12f\n", exp(1.0),
         log(10.0), pow(2.0, 0.5), atan2(1.0, 1.0) * 4);
  printf("libm: tanh(0.5)=%.12f cbrt(27)=%.12f hypot(3,4)=%.12f\n", tanh(0.5), cbrt(27.0),
         hypot(3.0, 4.0));

  /* 4. exactly rounded IEEE operations: identical bits everywhere */
  volatile double third = 1.0 / 3.0, two = 2.0, zero = 0.0;
  printf("exact: sqrt(2)=%a 1/3=%a fma(0.1,10,-1)=%a\n", sqrt(two), third, fma(0.1, 10.0, -1.0));
  float f = 0;
  for (int i = 1; i <= 1000000; i++) f += 1.0f / (float)i;
  printf("float harmonic(1e6) = %.9g (%a)\n", f, f);
  printf("rounding: floor %.1f ceil %.1f trunc %.1f round %.1f rint %.1f lrint %ld\n",
         floor(-2.5), ceil(-2.5), trunc(-2.5), round(-2.5), rint(-2.5), lrint(2.5));
  printf("fmod(7.5,2)=%g remainder(7.5,2)=%g ldexp(1,-1074)=%g\n", fmod(7.5, 2), remainder(7.5, 2),
         ldexp(1.0, -1074));
  printf("conversions: (int64)%.1f=%" PRId64 " (double)UINT64_MAX=%.17g (uint32)%.1f=%u\n",
         -12345.75, (int64_t)-12345.75, (double)UINT64_MAX, 4000000000.5,
         (uint32_t)4000000000.5);
  printf("special: 1/0=%f isnan(0/0)=%d DBL_MIN/2 subnormal=%d DBL_MAX*2=%f\n", 1.0 / zero,
         isnan(zero / zero), fpclassify(DBL_MIN / two) == FP_SUBNORMAL, DBL_MAX * two);

  /* 5. printf/strtod round trips of 20k random doubles */
  uint64_t h = FNV0;
  int roundtrip_ok = 1;
  char buf[64];
  for (int i = 0; i < 20000; i++) {
    uint64_t bits = next();
    double d;
    memcpy(&d, &bits, sizeof d);
    if (!isfinite(d)) continue;
    int n = snprintf(buf, sizeof buf, "%.17g", d);
    h = fnv1a(h, buf, (size_t)n);
    if (strtod(buf, NULL) != d) roundtrip_ok = 0;
    n = snprintf(buf, sizeof buf, "%.6e|%d|%x", d * 1e-300, (int)(bits >> 40), (unsigned)bits);
    h = fnv1a(h, buf, (size_t)n);
  }
  printf("printf/strtod round trip: %s, text hash %016" PRIx64 "\n", roundtrip_ok ? "ok" : "FAIL", h);
  failures += !roundtrip_ok;

  /* 6. 1 MiB through stdio in mixed-size chunks, read back */
  FILE *tf = tmpfile();
  if (!tf) {
    printf("FAIL tmpfile\n");
    return 1;
  }
  static char chunk[5000];
  for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (char)('a' + i % 23);
  size_t written = 0, k = 0;
  uint64_t wh = FNV0;
  while (written < 1024 * 1024) {
    size_t len = (size_t)(k * 37 % 4999) + 1;
    if (written + len > 1024 * 1024) len = 1024 * 1024 - written;
    if (k % 3 == 0) {
      fwrite(chunk, 1, len, tf);
    } else {
      for (size_t j = 0; j < len; j++) fputc(chunk[j], tf);
    }
    wh = fnv1a(wh, chunk, len);
    written += len;
    k++;
  }
  long size = ftell(tf);
  rewind(tf);
  uint64_t rh = FNV0;
  size_t total = 0, got;
  static char rbuf[3001];
  while ((got = fread(rbuf, 1, sizeof rbuf, tf)) > 0) {
    rh = fnv1a(rh, rbuf, got);
    total += got;
  }
  fclose(tf);
  printf("stdio 1 MiB in %zu chunks: ftell=%ld read back %zu bytes, hash %s %016" PRIx64 "\n", k,
         size, total, rh == wh ? "matches" : "DIFFERS", rh);
  failures += rh != wh || total != 1024 * 1024;

  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
