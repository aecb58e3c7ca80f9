// Sysroot lookups (chroot-style symlinks, host fallback), the maps bookkeeping
// and the /proc paths ferry answers for the guest.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "memory/mapping_origins.h"
#include "syscalls/proc_view.h"
#include "vfs/sysroot.h"

namespace ferry {
namespace {

// A scratch sysroot: /lib/real.so, /lib/link.so -> /lib/real.so (absolute,
// as Debian's packages have them), /lib/rel -> real.so, /usr/lib -> ../lib,
// /loop -> /loop.
struct ScratchSysroot {
  std::string dir;
  ScratchSysroot() {
    char tmpl[] = "/tmp/ferry-sysroot.XXXXXX";
    dir = mkdtemp(tmpl);
    mkdir((dir + "/lib").c_str(), 0755);
    mkdir((dir + "/usr").c_str(), 0755);
    std::ofstream(dir + "/lib/real.so") << "x";
    symlink("/lib/real.so", (dir + "/lib/link.so").c_str());
    symlink("real.so", (dir + "/lib/rel").c_str());
    symlink("../lib", (dir + "/usr/lib").c_str());
    symlink("/loop", (dir + "/loop").c_str());
  }
  ~ScratchSysroot() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

TEST_CASE("sysroot: files inside it win, everything else is the host's") {
  ScratchSysroot s;
  Sysroot root(s.dir);
  CHECK(root.Resolve("/lib/real.so") == s.dir + "/lib/real.so");
  CHECK(root.Resolve("/etc/passwd") == "/etc/passwd");
  CHECK(root.Resolve("relative/path") == "relative/path");
  CHECK(root.Resolve("/") == "/");
  CHECK(root.Resolve("/proc/self/maps") == "/proc/self/maps");
  CHECK(root.Resolve("/dev/null") == "/dev/null");
  CHECK(Sysroot().Resolve("/lib/real.so") == "/lib/real.so");
}

TEST_CASE("sysroot: symlinks resolve inside it, as in a chroot") {
  ScratchSysroot s;
  Sysroot root(s.dir);
  CHECK(root.Resolve("/lib/link.so") == s.dir + "/lib/real.so");
  CHECK(root.Resolve("/lib/rel") == s.dir + "/lib/real.so");
  CHECK(root.Resolve("/usr/lib/link.so") == s.dir + "/lib/real.so");
  CHECK(root.Resolve("/usr/lib/../lib/./real.so") == s.dir + "/lib/real.so");
  CHECK(root.Resolve("/../../lib/real.so") == s.dir + "/lib/real.so");
  // lstat and readlink name the link itself.
  CHECK(root.Resolve("/lib/link.so", false) == s.dir + "/lib/link.so");
  // A loop falls back to the host path (where it fails as the kernel's would).
  CHECK(root.Resolve("/loop/x") == "/loop/x");
}

TEST_CASE("sysroot: an absolute link to a host file outside it leads to the host's file") {
  // As Bazel's sandbox lays out a declared sysroot: each file a link to an
  // absolute host path that the sysroot does not hold.
  ScratchSysroot s;
  std::string host = s.dir + "-host.so";
  std::ofstream(host) << "y";
  symlink(host.c_str(), (s.dir + "/lib/sandboxed.so").c_str());
  symlink("/no/such/host/file", (s.dir + "/lib/dangling.so").c_str());
  Sysroot root(s.dir);
  CHECK(root.Resolve("/lib/sandboxed.so") == host);
  // A target in neither place: the guest path on the host, as before.
  CHECK(root.Resolve("/lib/dangling.so") == "/lib/dangling.so");
  // A target that is in the sysroot still resolves there.
  CHECK(root.Resolve("/lib/link.so") == s.dir + "/lib/real.so");
  unlink(host.c_str());
}

TEST_CASE("sysroot: the guest's view drops the prefix") {
  Sysroot root("/srv/root");
  CHECK(root.GuestView("/srv/root/bin/ls") == "/bin/ls");
  CHECK(root.GuestView("/srv/root") == "/");
  CHECK(root.GuestView("/srv/rootfs/bin") == "/srv/rootfs/bin");
  CHECK(root.GuestView("/usr/bin/ls") == "/usr/bin/ls");
}

TEST_CASE("mapping origins split, keep file offsets and move") {
  MappingOrigins o;
  o.Set(0x10000, 0x20000, MappingOrigin{0x3000, 1, 77, "/lib/libc.so"});
  uint64_t start, end;
  o.Clear(0x14000, 0x15000);  // a hole in the middle
  const MappingOrigin* tail = o.Find(0x15000, &start, &end);
  REQUIRE(tail);
  CHECK(start == 0x15000);
  CHECK(end == 0x20000);
  CHECK(tail->offset == 0x3000 + 0x5000);
  CHECK(o.Find(0x14000, &start, &end) == nullptr);
  CHECK(start == 0x14000);
  CHECK(end == 0x15000);
  o.Move(0x15000, 0x2000, 0x40000);
  const MappingOrigin* moved = o.Find(0x41000, &start, &end);
  REQUIRE(moved);
  CHECK(start == 0x40000);
  CHECK(moved->offset == 0x8000);
  CHECK(o.Find(0x15000, &start, &end) == nullptr);
  // Labels grow as one range.
  o.Set(0x90000, 0x91000, MappingOrigin{0, 0, 0, "[heap]"});
  o.Set(0x91000, 0x93000, MappingOrigin{0, 0, 0, "[heap]"});
  REQUIRE(o.Find(0x92000, &start, &end));
  CHECK(start == 0x90000);
  CHECK(end == 0x93000);
}

TEST_CASE("/proc paths that are about the guest") {
  CHECK(ClassifyProcPath("/proc/self/maps", 42) == ProcFile::kMaps);
  CHECK(ClassifyProcPath("/proc/42/maps", 42) == ProcFile::kMaps);
  CHECK(ClassifyProcPath("/proc/42/task/42/stat", 42) == ProcFile::kStat);
  CHECK(ClassifyProcPath("/proc/thread-self/auxv", 42) == ProcFile::kAuxv);
  CHECK(ClassifyProcPath("/proc/self/exe", 42) == ProcFile::kExe);
  CHECK(ClassifyProcPath("/proc/self/cmdline", 42) == ProcFile::kCmdline);
  CHECK(ClassifyProcPath("/proc/self/smaps", 42) == ProcFile::kSmaps);
  CHECK(ClassifyProcPath("/proc/cpuinfo", 42) == ProcFile::kCpuinfo);
  CHECK(ClassifyProcPath("/proc/43/maps", 42) == ProcFile::kNone);  // another process
  CHECK(ClassifyProcPath("/proc/self/status", 42) == ProcFile::kStatus);
  CHECK(ClassifyProcPath("/proc/self/environ", 42) == ProcFile::kNone);
  CHECK(ClassifyProcPath("/proc/self/fd/3", 42) == ProcFile::kNone);
  CHECK(ClassifyProcPath("/etc/self/maps", 42) == ProcFile::kNone);
}

TEST_CASE("maps lines are laid out as the kernel's") {
  CHECK(MapsLine(0x400000, 0x401000, PROT_READ | PROT_EXEC, false, 0x1000, makedev(254, 0), 1234,
                 "/bin/ls") ==
        "00400000-00401000 r-xp 00001000 fe:00 1234                               /bin/ls\n");
  CHECK(MapsLine(0xffff7a2000, 0xffff7af000, PROT_READ | PROT_WRITE, false, 0, 0, 0, "") ==
        "ffff7a2000-ffff7af000 rw-p 00000000 00:00 0 \n");
  std::string labelled = MapsLine(0x7ff000, 0x800000, PROT_READ | PROT_WRITE, true, 0, 0, 0, "[stack]");
  CHECK(labelled.find("rw-s") != std::string::npos);
  CHECK(labelled.find("[stack]") == 73);
}

}  // namespace
}  // namespace ferry
