// Classic BPF as seccomp uses it: the checks the kernel makes when a filter
// is installed (net/core/filter.c's bpf_check_classic, then
// kernel/seccomp.c's seccomp_check_filter), and an interpreter that runs a
// checked program over a seccomp_data. ferry runs the guest's filters
// itself; the host kernel never sees them.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/generic/abi.h"

namespace ferry::bpf {

constexpr uint32_t kMaxInsns = 4096;  // BPF_MAXINSNS

// True when the kernel would accept `program` as a seccomp filter (false:
// EINVAL). Rewrites the length loads to constants, as seccomp_check_filter
// does, so Run needs no length.
bool CheckSeccompProgram(std::vector<guest::SockFilter>& program);

// The program's return value over `data`. Precondition: checked.
uint32_t RunSeccompProgram(const std::vector<guest::SockFilter>& program, const guest::SeccompData& data);

}  // namespace ferry::bpf
