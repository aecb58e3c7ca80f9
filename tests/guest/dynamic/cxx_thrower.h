// cxx_thrower.h: a shared library's interface whose functions throw.
#pragma once
#include <stdexcept>
#include <string>

struct ThrowerError : std::runtime_error {
  int code;
  ThrowerError(const std::string& what, int code) : std::runtime_error(what), code(code) {}
};

// Throws ThrowerError for odd n, std::out_of_range for negative n, else returns n / 2.
int thrower_half(int n);
// Calls back `fn`, letting whatever it throws pass through the library.
int thrower_call(int (*fn)(int), int x);
