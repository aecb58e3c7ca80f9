// ferry's command line and environment (cli/options.h): the input is NUL-
// separated words; those before an empty word are the environment
// (QEMU_*=..., FERRY_*=...), the rest argv after "ferry".
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      words.push_back(word);
      word.clear();
    } else {
      word += static_cast<char>(data[i]);
    }
  }
  words.push_back(word);
  std::vector<std::string> env_words, argv = {"ferry"};
  bool in_env = true;
  for (const std::string& w : words) {
    if (in_env && w.empty()) {
      in_env = false;
    } else {
      (in_env ? env_words : argv).push_back(w);
    }
  }
  std::vector<char*> environ;
  for (std::string& w : env_words) environ.push_back(w.data());
  environ.push_back(nullptr);
  ferry::Options options;
  ferry::ParseOptions(argv, environ.data(), &options);
  return 0;
}
