#include "config/options.h"

#include <cerrno>
#include <cstdlib>

namespace ferry {

std::optional<uint64_t> ParseSize(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = strtoull(text.c_str(), &end, 0);
  if (errno != 0) return std::nullopt;
  int shift = 0;
  switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; ++end; break;
    case 'm': case 'M': shift = 20; ++end; break;
    case 'g': case 'G': shift = 30; ++end; break;
    case 't': case 'T': shift = 40; ++end; break;
    default: return std::nullopt;
  }
  if (*end != '\0' || (shift && value > (~0ull >> shift))) return std::nullopt;
  return value << shift;
}

std::vector<std::string> TraceArguments(const TraceOptions& t) {
  std::vector<std::string> out;
  if (!t.json.empty()) out.insert(out.end(), {"--trace-json", t.json});
  // Internal: a re-run after execve appends to the files an earlier ferry of
  // this trace opened, and keeps a followed child's "[pid N]" prefix.
  if (t.enabled || !t.json.empty()) out.push_back("--trace-append");
  if (t.child) out.push_back("--trace-child");
  if (t.inherited_fd >= 0) out.insert(out.end(), {"--trace-fd", std::to_string(t.inherited_fd)});
  if (!t.enabled) return out;
  out.push_back("--strace");
  if (t.per_process_files) out.push_back("-ff");
  else if (t.follow) out.push_back("-f");
  if (!t.output.empty()) out.insert(out.end(), {"-o", t.output});
  if (t.string_limit != 32) out.insert(out.end(), {"-s", std::to_string(t.string_limit)});
  if (t.timestamps) out.push_back("-tt");
  if (t.durations) out.push_back("-T");
  auto list = [](bool negated, const std::vector<std::string>& names) {
    std::string s = negated ? "!" : "";
    for (size_t k = 0; k < names.size(); ++k) s += (k ? "," : "") + names[k];
    return s;
  };
  if (!t.trace.empty() || t.trace_negated) out.insert(out.end(), {"-e", "trace=" + list(t.trace_negated, t.trace)});
  if (!t.signals.empty() || t.signals_negated) out.insert(out.end(), {"-e", "signal=" + list(t.signals_negated, t.signals)});
  return out;
}

std::vector<std::string> GuestEnvironment(const Options& options, char** environ) {
  std::vector<std::string> env;
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  auto drop = [&](const std::string& name) {
    std::erase_if(env, [&](const std::string& e) { return name_of(e) == name; });
  };
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const std::string& name : options.unset_env) drop(name);
  for (const std::string& entry : options.set_env) {
    drop(name_of(entry));
    env.push_back(entry);
  }
  return env;
}

}  // namespace ferry
