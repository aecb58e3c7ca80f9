// cxx_main.cc: exceptions thrown in a shared library caught in the program
// (and thrown in the program through the library), iostreams, strings and
// containers, as a C++ program uses them.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "cxx_thrower.h"

static int throws_in_program(int x) {
  if (x > 10) throw std::invalid_argument("too big");
  return x;
}

int main() {
  int failures = 0;
  auto check = [&](bool ok, const std::string& what) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << '\n';
    failures += !ok;
  };
  check(thrower_half(8) == 4, "a library call returns");
  try {
    thrower_half(7);
    check(false, "odd input throws");
  } catch (const ThrowerError& e) {
    check(e.code == 7 && std::string(e.what()) == "odd: 7", "ThrowerError caught across the library boundary");
  }
  try {
    thrower_half(-3);
  } catch (const std::exception& e) {
    check(dynamic_cast<const std::out_of_range*>(&e) != nullptr, std::string("std::out_of_range caught by base: ") + e.what());
  }
  try {
    thrower_call(throws_in_program, 11);
  } catch (const std::invalid_argument& e) {
    check(true, std::string("program's exception unwinds through the library: ") + e.what());
  }
  std::exception_ptr saved;
  try {
    thrower_half(5);
  } catch (...) {
    saved = std::current_exception();
  }
  try {
    std::rethrow_exception(saved);
  } catch (const ThrowerError& e) {
    check(e.code == 5, "exception_ptr rethrows");
  }

  std::ostringstream out;
  out << std::setw(8) << std::setfill('*') << 42 << '|' << std::hex << 255 << '|' << std::fixed
      << std::setprecision(3) << 3.14159;
  check(out.str() == "******42|ff|3.142", "iostream formatting: " + out.str());
  std::istringstream in("10 20 30 x");
  std::vector<int> numbers;
  for (int v; in >> v;) numbers.push_back(v);
  check(numbers == std::vector<int>({10, 20, 30}), "istream parsing stops at bad input");
  std::map<std::string, int> counts;
  for (std::string w : {"b", "a", "b", "c", "b"}) counts[w]++;
  std::ostringstream joined;
  for (auto& [word, n] : counts) joined << word << n;
  check(joined.str() == "a1b3c1", "std::map in order: " + joined.str());
  auto owned = std::make_unique<std::vector<std::string>>(3, "xy");
  std::sort(owned->begin(), owned->end());
  check(owned->size() == 3 && (*owned)[2] == "xy", "unique_ptr and vector");
  std::cout << failures << " failure(s)" << std::endl;
  return failures != 0;
}
