// The initial process stack as the Linux kernel builds it (fs/binfmt_elf.c
// create_elf_tables): argc, argv, envp, auxv, then the strings and AT_RANDOM
// bytes above them. Pure layout so tests can read it back.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ferry {

struct StackInputs {
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  std::string execfn;
  std::string platform;
  uint8_t random[16] = {};
  // auxv entries except AT_RANDOM, AT_EXECFN, AT_PLATFORM and AT_NULL, which
  // the builder adds because they point into the image.
  std::vector<std::pair<uint64_t, uint64_t>> auxv;
  // The guest's word (ArchInfo::word_size): argc, the argv and envp
  // pointers and the auxv entries are each one word.
  uint8_t word_size = 8;
};

struct StackImage {
  std::vector<uint8_t> bytes;  // occupies [sp, stack_top)
  uint64_t sp = 0;
  uint64_t auxv = 0, auxv_size = 0;  // the auxv vector, AT_NULL included
  uint64_t execfn = 0;
  uint64_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;  // the strings
};

StackImage BuildInitialStack(const StackInputs& in, uint64_t stack_top);

}  // namespace ferry
