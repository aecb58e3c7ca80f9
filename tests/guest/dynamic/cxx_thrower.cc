// cxx_thrower.cc: a C++ shared library that throws across its boundary.
#include "cxx_thrower.h"

int thrower_half(int n) {
  if (n < 0) throw std::out_of_range("negative: " + std::to_string(n));
  if (n % 2) throw ThrowerError("odd: " + std::to_string(n), n);
  return n / 2;
}

int thrower_call(int (*fn)(int), int x) { return fn(x) + 1; }
