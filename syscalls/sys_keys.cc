// keyctl: the kernel's key retention service, run inline because the
// thread and process keyrings are the calling host thread's (the syscall
// helper is another process with keyrings of its own). Which arguments are
// guest pointers depends on the command; two commands pass structs that
// hold pointers themselves and are copied with those rebased.
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "arch/generic/abi.h"
#include "host/host_syscall.h"
#include "syscalls/syscall_handlers.h"

namespace ferry {
namespace {

// How keyctl's arguments 2 to 5 (raw[1..4]) are read by a command.
enum KeyArg : char {
  kValue = 0,   // a number or key id
  kPointer,     // a string or a small struct
  kBuffer,      // a buffer whose length is the next argument
};

struct KeyCommand {
  int cmd;
  KeyArg args[4];
};

constexpr KeyCommand kCommands[] = {
    {KEYCTL_JOIN_SESSION_KEYRING, {kPointer}},
    {KEYCTL_UPDATE, {kValue, kBuffer}},
    {KEYCTL_DESCRIBE, {kValue, kBuffer}},
    {KEYCTL_SEARCH, {kValue, kPointer, kPointer}},
    {KEYCTL_READ, {kValue, kBuffer}},
    {KEYCTL_INSTANTIATE, {kValue, kBuffer}},
    {KEYCTL_GET_SECURITY, {kValue, kBuffer}},
    {KEYCTL_DH_COMPUTE, {kPointer, kBuffer}},  // and the kdf struct, below
    {KEYCTL_PKEY_QUERY, {kValue, kValue, kPointer, kPointer}},
    {KEYCTL_PKEY_ENCRYPT, {kPointer, kPointer, kPointer, kPointer}},
    {KEYCTL_PKEY_DECRYPT, {kPointer, kPointer, kPointer, kPointer}},
    {KEYCTL_PKEY_SIGN, {kPointer, kPointer, kPointer, kPointer}},
    {KEYCTL_PKEY_VERIFY, {kPointer, kPointer, kPointer, kPointer}},
    {KEYCTL_RESTRICT_KEYRING, {kValue, kPointer, kPointer}},
    {KEYCTL_CAPABILITIES, {kBuffer}},
};

// struct keyctl_kdf_params: the hash name and other-info pointers.
struct GuestKdfParams {
  guest::Word hashname;
  guest::Word otherinfo;
  uint32_t otherinfolen;
  uint32_t spare[8];
};
static_assert(sizeof(GuestKdfParams) == sizeof(struct keyctl_kdf_params));

constexpr uint64_t kMaxIovecs = 1024;  // the kernel's UIO_MAXIOV

}  // namespace

int64_t SysKeyctl(Task& task, const SyscallArgs& a) {
  int cmd = static_cast<int>(a.raw[0]);
  uint64_t v[4] = {a.raw[1], a.raw[2], a.raw[3], a.raw[4]};
  for (const KeyCommand& c : kCommands) {
    if (c.cmd != cmd) continue;
    for (int i = 0; i < 4; ++i) {
      if (c.args[i] == kPointer) v[i] = HostAddress(task, v[i], 1);
      if (c.args[i] == kBuffer) v[i] = HostAddress(task, v[i], i < 3 ? a.raw[i + 2] : 1);
    }
  }
  struct keyctl_kdf_params kdf;
  if (cmd == KEYCTL_DH_COMPUTE && a.raw[4]) {
    GuestKdfParams in;
    if (!task.memory.Read(a.raw[4], &in, sizeof in)) return -EFAULT;
    kdf = {};
    kdf.hashname = static_cast<char*>(GuestBuffer(task, in.hashname, 1));
    kdf.otherinfo = static_cast<char*>(GuestBuffer(task, in.otherinfo, in.otherinfolen));
    kdf.otherinfolen = in.otherinfolen;
    for (int i = 0; i < 8; ++i) kdf.__spare[i] = in.spare[i];
    v[3] = reinterpret_cast<uint64_t>(&kdf);
  }
  std::vector<struct iovec> iov;
  if (cmd == KEYCTL_INSTANTIATE_IOV && a.raw[2] && a.raw[3] <= kMaxIovecs) {
    std::vector<guest::Iovec> in(a.raw[3]);
    if (!task.memory.Read(a.raw[2], in.data(), in.size() * sizeof(guest::Iovec))) return -EFAULT;
    for (const guest::Iovec& e : in) iov.push_back({GuestBuffer(task, e.base, e.len), e.len});
    v[1] = reinterpret_cast<uint64_t>(iov.data());
  }
  return HostSyscall(SYS_keyctl, a.raw[0], v[0], v[1], v[2], v[3]);
}

}  // namespace ferry
