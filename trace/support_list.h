// ferry --list-syscalls: how far ferry serves each guest syscall, read from
// the syscall table (docs/SYSCALLS.md is this list as Markdown).
#pragma once

#include <string>

namespace ferry {

// The list for the arch named `arch` ("aarch64", "riscv64"; empty: both
// share the asm-generic table), as aligned text or as Markdown. Empty when
// `arch` is not a guest arch.
std::string SupportList(const std::string& arch, bool markdown);

}  // namespace ferry
