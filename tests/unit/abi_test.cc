// Guest struct conversions and per-arch data.
#include <doctest/doctest.h>
#include <elf.h>
#include <fcntl.h>

#include <cstring>
#include <initializer_list>
#include <iterator>
#include <string>

#include "arch/arch.h"
#include "arch/generic/stat.h"
#include "syscalls/syscall_table.h"

namespace {

TEST_CASE("struct stat encodes into the asm-generic layout") {
  struct stat host{};
  host.st_dev = 0x801;
  host.st_ino = 123456789;
  host.st_mode = S_IFREG | 0644;
  host.st_nlink = 2;
  host.st_uid = 1000;
  host.st_gid = 100;
  host.st_size = 0x123456789;
  host.st_blksize = 4096;
  host.st_blocks = 17;
  host.st_mtim = {1700000000, 999};
  guest::GenericStat g;
  guest::EncodeGenericStat(host, &g);
  CHECK(g.st_dev == 0x801);
  CHECK(g.st_ino == 123456789);
  CHECK(g.st_mode == (S_IFREG | 0644));
  CHECK(g.st_nlink == 2);
  CHECK(g.st_uid == 1000);
  CHECK(g.st_gid == 100);
  CHECK(g.st_size == 0x123456789);
  CHECK(g.st_blksize == 4096);
  CHECK(g.st_blocks == 17);
  CHECK(g.st_mtime_sec == 1700000000);
  CHECK(g.st_mtime_nsec == 999);
  // Raw offsets as the guest's libc reads them.
  uint8_t raw[128];
  memcpy(raw, &g, sizeof raw);
  uint32_t mode;
  memcpy(&mode, raw + 16, 4);
  CHECK(mode == (S_IFREG | 0644));
  int64_t size;
  memcpy(&size, raw + 48, 8);
  CHECK(size == 0x123456789);
}

TEST_CASE("arch lookup by ELF machine") {
  CHECK(arch::FindArchByElfMachine(EM_AARCH64) == &arch::kAarch64);
  CHECK(arch::FindArchByElfMachine(EM_RISCV) == &arch::kRiscv64);
  CHECK(arch::FindArchByElfMachine(EM_X86_64) == nullptr);
}

TEST_CASE("AArch64 open flags translate both ways; RISC-V's pass unchanged") {
  constexpr uint32_t kArmDirectory = 040000, kArmNofollow = 0100000;
  uint32_t host = arch::GuestToHostOpenFlags(arch::kAarch64, kArmDirectory | O_CLOEXEC | O_RDWR);
  CHECK(host == (O_DIRECTORY | O_CLOEXEC | O_RDWR));
  CHECK(arch::GuestToHostOpenFlags(arch::kAarch64, kArmNofollow) == O_NOFOLLOW);
  CHECK(arch::HostToGuestOpenFlags(arch::kAarch64, O_DIRECTORY | O_APPEND) ==
        (kArmDirectory | O_APPEND));
  for (uint32_t f : {0u, uint32_t(O_DIRECTORY), uint32_t(O_NOFOLLOW | O_CREAT), 0777777u}) {
    CHECK(arch::GuestToHostOpenFlags(arch::kRiscv64, f) == f);
    CHECK(arch::HostToGuestOpenFlags(arch::kAarch64, arch::GuestToHostOpenFlags(arch::kAarch64, f)) == f);
  }
}

TEST_CASE("each arch names itself and its syscall trap") {
  for (const arch::ArchInfo* a : {&arch::kAarch64, &arch::kRiscv64}) {
    CHECK(strlen(a->name) > 0);
    CHECK(a->stat_size == 128);
    CHECK(static_cast<bool>(a->prepare_cpu));
    CHECK(a->syscall_intno != a->breakpoint_intno);
    CHECK(a->hwcap != 0);
  }
}

}  // namespace

namespace {

TEST_CASE("each arch's own syscall numbers") {
  using ferry::FindSyscall;
  namespace sysno = ferry::sysno;
  CHECK(FindSyscall(sysno::renameat, arch::kRiscv64) == nullptr);  // not in RISC-V's table
  CHECK(FindSyscall(sysno::renameat, arch::kAarch64) != nullptr);
  CHECK(FindSyscall(sysno::riscv_flush_icache, arch::kAarch64) == nullptr);
  CHECK(FindSyscall(sysno::riscv_flush_icache, arch::kRiscv64) != nullptr);
  CHECK(FindSyscall(sysno::write, arch::kRiscv64) != nullptr);  // on both
}

TEST_CASE("an arch with its own syscall numbering is data") {
  using ferry::FindSyscall;
  using ferry::GuestSyscallNumber;
  namespace sysno = ferry::sysno;
  // x86_64's numbers for three calls (arch/x86/entry/syscalls/syscall_64.tbl).
  static const arch::SyscallNumber kNumbers[] = {{"read", 0}, {"write", 1}, {"restart_syscall", 219}};
  arch::ArchInfo other = arch::kAarch64;
  other.syscall_numbers = kNumbers;
  other.syscall_number_count = std::size(kNumbers);
  REQUIRE(FindSyscall(0, other) != nullptr);
  CHECK(std::string(FindSyscall(0, other)->name) == "read");
  CHECK(std::string(FindSyscall(1, other)->name) == "write");
  CHECK(FindSyscall(sysno::write, other) == nullptr);  // 64 is no call there
  CHECK(GuestSyscallNumber(sysno::restart_syscall, other) == 219);
  CHECK(GuestSyscallNumber(sysno::openat, other) == -1);
  CHECK(GuestSyscallNumber(sysno::restart_syscall, arch::kRiscv64) == sysno::restart_syscall);
}

}  // namespace
