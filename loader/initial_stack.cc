#include "loader/initial_stack.h"

#include <elf.h>

#include <cstring>

#include "arch/generic/abi.h"

namespace ferry {

StackImage BuildInitialStack(const StackInputs& in, uint64_t stack_top) {
  // First pass: place strings from the top down, recording their addresses.
  const uint64_t word = in.word_size;
  uint64_t pos = stack_top - word;  // a null word ends the stack
  std::vector<std::pair<uint64_t, const std::string*>> strings;
  auto place = [&](const std::string& s) {
    pos -= s.size() + 1;
    strings.emplace_back(pos, &s);
    return pos;
  };
  uint64_t execfn = place(in.execfn);
  uint64_t env_end = pos;  // strings are placed downwards: env above argv
  std::vector<uint64_t> env_addrs(in.envp.size()), arg_addrs(in.argv.size());
  for (size_t i = in.envp.size(); i-- > 0;) env_addrs[i] = place(in.envp[i]);
  for (size_t i = in.argv.size(); i-- > 0;) arg_addrs[i] = place(in.argv[i]);
  uint64_t arg_start = pos;
  uint64_t env_start = env_addrs.empty() ? env_end : env_addrs[0];
  uint64_t platform = place(in.platform);
  pos &= ~uint64_t{15};
  pos -= sizeof in.random;
  uint64_t random = pos;

  std::vector<uint64_t> words;
  words.push_back(in.argv.size());
  words.insert(words.end(), arg_addrs.begin(), arg_addrs.end());
  words.push_back(0);
  words.insert(words.end(), env_addrs.begin(), env_addrs.end());
  words.push_back(0);
  for (auto [type, value] : in.auxv) {
    words.push_back(type);
    words.push_back(value);
  }
  for (auto [type, value] : {std::pair<uint64_t, uint64_t>{AT_RANDOM, random},
                             {AT_EXECFN, execfn}, {AT_PLATFORM, platform}, {AT_NULL, 0}}) {
    words.push_back(type);
    words.push_back(value);
  }
  StackImage image;
  image.sp = (pos - words.size() * word) & ~uint64_t{15};
  image.bytes.assign(stack_top - image.sp, 0);
  uint64_t auxv_words = 2 * (in.auxv.size() + 4);
  image.auxv_size = auxv_words * word;
  image.auxv = image.sp + (words.size() - auxv_words) * word;
  image.arg_start = arg_start;
  image.execfn = execfn;
  image.arg_end = env_start;
  image.env_start = env_start;
  image.env_end = env_end;
  auto at = [&](uint64_t addr) { return image.bytes.data() + (addr - image.sp); };
  guest::StoreWords(in.word_size, words.data(), words.size(), at(image.sp));
  for (auto [addr, s] : strings) memcpy(at(addr), s->c_str(), s->size() + 1);
  memcpy(at(random), in.random, sizeof in.random);
  return image;
}

}  // namespace ferry
