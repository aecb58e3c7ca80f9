#include "runtime/seccomp.h"

#include <linux/seccomp.h>

#include <cstring>

#include "runtime/classic_bpf.h"

namespace ferry {
namespace {

int32_t ActionOnly(uint32_t ret) { return static_cast<int32_t>(ret & SECCOMP_RET_ACTION_FULL); }

// Serialized filter: u32 instruction count, u32 flags (bit 0: log), the instructions.
struct FilterHeader {
  uint32_t len;
  uint32_t log;
};

}  // namespace

uint32_t RunSeccompFilters(const SeccompChain& chain, const guest::SeccompData& data,
                           const SeccompFilter** matched) {
  uint32_t ret = SECCOMP_RET_ALLOW;
  *matched = nullptr;
  for (const SeccompFilter* f = chain.get(); f; f = f->prev.get()) {
    uint32_t current = bpf::RunSeccompProgram(f->program, data);
    if (ActionOnly(current) < ActionOnly(ret)) {
      ret = current;
      *matched = f;
    }
  }
  return ret;
}

std::string SerializeSeccompChain(const SeccompChain& chain) {
  std::vector<const SeccompFilter*> filters;
  for (const SeccompFilter* f = chain.get(); f; f = f->prev.get()) filters.push_back(f);
  std::string out;
  for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
    FilterHeader h{static_cast<uint32_t>((*it)->program.size()), (*it)->log ? 1u : 0u};
    out.append(reinterpret_cast<const char*>(&h), sizeof h);
    out.append(reinterpret_cast<const char*>((*it)->program.data()), h.len * sizeof(guest::SockFilter));
  }
  return out;
}

bool ParseSeccompChain(const std::string& bytes, SeccompChain* chain) {
  SeccompChain out;
  size_t at = 0;
  while (at < bytes.size()) {
    FilterHeader h;
    if (bytes.size() - at < sizeof h) return false;
    memcpy(&h, bytes.data() + at, sizeof h);
    at += sizeof h;
    if (h.len > bpf::kMaxInsns || bytes.size() - at < h.len * sizeof(guest::SockFilter)) return false;
    auto f = std::make_shared<SeccompFilter>();
    f->program.resize(h.len);
    memcpy(f->program.data(), bytes.data() + at, h.len * sizeof(guest::SockFilter));
    at += h.len * sizeof(guest::SockFilter);
    // Checked again: the bytes came from outside this process.
    if (!bpf::CheckSeccompProgram(f->program)) return false;
    f->log = h.log & 1;
    f->count = out ? out->count + 1 : 1;
    f->total_insns = h.len + 4 + (out ? out->total_insns : 0);
    f->prev = std::move(out);
    out = std::move(f);
  }
  *chain = std::move(out);
  return true;
}

}  // namespace ferry
