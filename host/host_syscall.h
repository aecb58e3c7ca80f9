// Raw host system calls that return -errno instead of touching errno, so a
// result can go straight back to the guest (guest and host share asm-generic
// errno values for everything Linux returns).
#pragma once

#include <cstdint>

namespace ferry {

inline int64_t HostSyscall(long nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                           uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) {
  int64_t ret;
  register uint64_t r10 __asm__("r10") = a3;
  register uint64_t r8 __asm__("r8") = a4;
  register uint64_t r9 __asm__("r9") = a5;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

}  // namespace ferry
