#include "report/crash_report.h"

#include <capstone/capstone.h>
#include <cxxabi.h>
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <mutex>

#include "runtime/crash_hooks.h"
#include "runtime/signals.h"
#include "runtime/task.h"
#include "report/elf_symbols.h"
#include "syscalls/proc_view.h"
#include "syscalls/syscall_table.h"

namespace ferry {
namespace {

struct Settings {
  bool guest_reports = false;  // --report or FERRY_REPORT
  std::string dir;             // where report files go; empty: guest reports to stderr
  std::string version;
  std::string command_line;
};
Settings* g_settings = nullptr;  // made once, before the guest runs
std::atomic<int> g_guest_dying{0};  // the signal a guest report is being written for
std::atomic<bool> g_internal_error{false};

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  return buf;
}

std::string Hex(uint64_t v) { return Format("0x%" PRIx64, v); }

const char* SignalName(int sig) {
  const char* name = sigabbrev_np(sig);
  static thread_local char buf[16];
  if (!name) return "?";
  snprintf(buf, sizeof buf, "SIG%s", name);
  return buf;
}

// si_code's name for the fault signals (the kernel's siginfo.h), SI_* for the rest.
const char* CodeName(int sig, int code) {
  switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
  }
  switch (sig) {
    case SIGSEGV:
      return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    case SIGBUS:
      return code == BUS_ADRALN ? "BUS_ADRALN" : code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_OBJERR ? "BUS_OBJERR" : "?";
    case SIGILL:
      return code == ILL_ILLOPC ? "ILL_ILLOPC" : code == ILL_ILLOPN ? "ILL_ILLOPN" : code == ILL_PRVOPC ? "ILL_PRVOPC" : "?";
    case SIGFPE:
      return code == FPE_INTDIV ? "FPE_INTDIV" : code == FPE_FLTDIV ? "FPE_FLTDIV" : "?";
    case SIGTRAP:
      return code == TRAP_BRKPT ? "TRAP_BRKPT" : code == TRAP_TRACE ? "TRAP_TRACE" : "?";
    case SIGSYS:
      return code == 1 ? "SYS_SECCOMP" : "?";
  }
  return "?";
}

// Names guest addresses: which file a PC lies in (the mapping's origin),
// then that file's symbols. Files are read once per report.
class Symbolizer {
 public:
  explicit Symbolizer(const Task& task) : task_(task) {}

  // "func+0x1c (file)", "file+0xOFF" without a symbol, or "??". A
  // `return_address` is looked up one byte back (the call may be a
  // function's last instruction) and shown as itself. `full_path`: the
  // file's whole name, else its last component.
  std::string Name(uint64_t addr, bool return_address = false, bool full_path = false) {
    uint64_t back = return_address ? 1 : 0;
    uint64_t start = 0, end = 0;
    const MappingOrigin* origin = task_.memory.origins().Find(addr - back, &start, &end);
    if (!origin || origin->inode == 0) return "??";
    uint64_t file_offset = origin->offset + (addr - back - start);
    const ElfSymbols* elf = File(*origin);
    std::string file = origin->name;
    if (!full_path && file.rfind('/') != std::string::npos) file = file.substr(file.rfind('/') + 1);
    std::string name;
    uint64_t offset = 0;
    std::optional<uint64_t> link = elf ? elf->AddressOfOffset(file_offset) : std::nullopt;
    std::string source;
    int line = 0;
    if (link && elf->SourceLine(*link, &source, &line)) source = " at " + source + ":" + std::to_string(line);
    else source.clear();
    if (link && elf->Lookup(*link, &name, &offset)) return name + "+" + Hex(offset + back) + " (" + file + ")" + source;
    return file + "+" + Hex(file_offset + back);
  }
  // Just the function's name, to compare frames ("" when unknown).
  std::string Function(uint64_t addr, bool return_address = false) {
    std::string n = Name(addr, return_address);
    size_t plus = n.find('+');
    return n == "??" ? "" : n.substr(0, plus);
  }

 private:
  // The host file behind a guest mapping: its recorded name on the host,
  // or inside the sysroot, whichever has the recorded device and inode.
  const ElfSymbols* File(const MappingOrigin& origin) {
    auto found = files_.find(origin.name);
    if (found != files_.end()) return found->second.get();
    std::unique_ptr<ElfSymbols>& slot = files_[origin.name];
    std::vector<std::string> candidates = {task_.process.sysroot.Resolve(origin.name), origin.name};
    if (origin.name == task_.process.exe_path) candidates.insert(candidates.begin(), task_.process.exe_host_path);
    for (const std::string& path : candidates) {
      struct stat st;
      if (stat(path.c_str(), &st) != 0 || st.st_ino != origin.inode || st.st_dev != origin.dev) continue;
      auto elf = std::make_unique<ElfSymbols>();
      if (elf->Load(path)) slot = std::move(elf);
      break;
    }
    return slot.get();
  }

  const Task& task_;
  std::map<std::string, std::unique_ptr<ElfSymbols>> files_;
};

// The instructions around `pc`: capstone for AArch64; Debian's capstone 4
// has no RISC-V, so those are shown as instruction words.
void Disassembly(Task& task, Symbolizer& symbols, uint64_t pc, std::string* out) {
  *out += "\ninstructions:\n";
  if (task.arch.elf_machine == EM_AARCH64) {
    uint64_t from = pc >= 24 ? pc - 24 : pc;
    uint8_t code[48];
    uint64_t len = sizeof code;
    while (len && !task.memory.Read(from, code, len)) {
      if (from < pc) {
        from += 4;
        len -= 4;
      } else {
        len -= 4;
      }
    }
    csh cs;
    if (len == 0 || cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &cs) != CS_ERR_OK) {
      *out += "  (unreadable)\n";
      return;
    }
    cs_insn* insns = nullptr;
    size_t n = cs_disasm(cs, code, len, from, 0, &insns);
    for (size_t i = 0; i < n; ++i) {
      uint32_t word = 0;
      memcpy(&word, insns[i].bytes, 4);
      *out += Format("%s %016" PRIx64 ":  %08x  %-8s %s\n", insns[i].address == pc ? "=>" : "  ", insns[i].address,
                     word, insns[i].mnemonic, insns[i].op_str);
    }
    if (n == 0) *out += "  (not disassembled)\n";
    cs_free(insns, n);
    cs_close(&cs);
    return;
  }
  // Variable-length (compressed) instructions: from the PC on only.
  uint64_t at = pc;
  for (int i = 0; i < 6; ++i) {
    uint16_t low = 0;
    if (!task.memory.Read(at, &low, 2)) break;
    uint32_t size = (low & 3) == 3 ? 4 : 2;
    uint32_t word = low;
    if (size == 4 && !task.memory.Read(at, &word, 4)) break;
    *out += Format("%s %016" PRIx64 ":  %0*x\n", at == pc ? "=>" : "  ", at, size * 2, word);
    at += size;
  }
  *out += "  (raw instruction words: Debian's capstone 4 does not decode RISC-V)\n";
  (void)symbols;
}

void Registers(Task& task, std::string* out) {
  *out += Format("\nregisters (thread %d):\n", task.tid);
  int column = 0;
  for (size_t i = 0; i < task.arch.gdb_register_count; ++i) {
    const arch::GdbRegister& r = task.arch.gdb_registers[i];
    uint8_t value[64] = {};
    if (uc_reg_read(task.uc, r.uc_reg, value) != UC_ERR_OK) continue;
    if (r.bits <= 64) {
      uint64_t v = 0;
      memcpy(&v, value, r.bits / 8);
      *out += Format("  %-6s %016" PRIx64, r.name, v);
      if (++column % 4 == 0) *out += "\n";
      continue;
    }
    if (column % 4) *out += "\n";
    column = 0;
    std::string hex;  // most significant byte first
    for (int b = r.bits / 8 - 1; b >= 0; --b) hex += Format("%02x", value[b]);
    *out += Format("  %-6s 0x%s\n", r.name, hex.c_str());
  }
  if (column % 4) *out += "\n";
}

// The frame-pointer chain, by the arch's frame records (ArchInfo::reg_fp).
void Backtrace(Task& task, Symbolizer& symbols, uint64_t pc, std::string* out) {
  struct {
    int fp, link;
    int64_t prev_fp_at, ret_at;
  } layout = {task.arch.reg_fp, task.arch.reg_link, task.arch.frame_prev_fp_at, task.arch.frame_return_at};
  *out += "\nbacktrace (frame pointers):\n";
  *out += Format("  #0  %016" PRIx64 " %s\n", pc, symbols.Name(pc).c_str());
  uint64_t fp = task.ReadReg(layout.fp);
  uint64_t link = task.ReadReg(layout.link);
  uint64_t prev = 0, ret = 0;
  bool record = fp % 8 == 0 && task.memory.Read(fp + layout.prev_fp_at, &prev, 8) &&
                task.memory.Read(fp + layout.ret_at, &ret, 8);
  int n = 1;
  // A leaf function that kept no frame record: its caller is only in the
  // link register (which otherwise points back into the function itself,
  // or is the first record's return address).
  std::string here = symbols.Function(pc);
  if (link && link != ret && symbols.Function(link, true) != here) {
    *out += Format("  #%-2d %016" PRIx64 " %s  (from the link register)\n", n++, link, symbols.Name(link, true).c_str());
  }
  for (; n < 64; ++n) {
    if (!record) {
      *out += Format("  (frame pointers end: fp %s is no readable frame record)\n", Hex(fp).c_str());
      return;
    }
    if (ret == 0) {
      *out += "  (outermost frame)\n";
      return;
    }
    *out += Format("  #%-2d %016" PRIx64 " %s\n", n, ret, symbols.Name(ret, true).c_str());
    if (prev == 0) {
      *out += "  (outermost frame: the frame-pointer chain ends)\n";
      return;
    }
    if (prev <= fp) {
      *out += Format("  (frame pointers end: the next fp %s is not above %s)\n", Hex(prev).c_str(), Hex(fp).c_str());
      return;
    }
    fp = prev;
    record = fp % 8 == 0 && task.memory.Read(fp + layout.prev_fp_at, &prev, 8) &&
             task.memory.Read(fp + layout.ret_at, &ret, 8);
  }
  *out += "  (more frames not shown)\n";
}

std::string ResultText(int64_t result) {
  if (result == kSyscallRunning) return "? (did not return)";
  if (result < 0 && result >= -4095) {
    const char* name = strerrorname_np(static_cast<int>(-result));
    return Format("-1 %s (%s)", name ? name : "?", strerror(static_cast<int>(-result)));
  }
  if (result > 0xffff || result < 0) return Hex(static_cast<uint64_t>(result));
  return std::to_string(result);
}

void Syscalls(const Task& task, std::string* out) {
  uint64_t count = task.syscall_count;
  uint64_t first = count > kSyscallRing ? count - kSyscallRing : 0;
  *out += Format("\nlast syscalls of thread %d (%" PRIu64 " of %" PRIu64 "):\n", task.tid, count - first, count);
  for (uint64_t i = first; i < count; ++i) {
    const SyscallRecord& r = task.syscall_ring[i % kSyscallRing];
    const SyscallRow* row = FindSyscall(r.nr, task.arch);
    int nargs = row ? row->nargs : 6;
    std::string args;
    for (int a = 0; a < nargs; ++a) args += (a ? ", " : "") + Hex(r.args[a]);
    *out += Format("  %s(%s) = %s\n", row ? row->name : ("syscall_" + std::to_string(r.nr)).c_str(), args.c_str(),
                   ResultText(r.result).c_str());
  }
}

// Writes all of `text` to `fd` (best effort).
void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += n;
  }
}

// A report file in `dir`: ferry-<kind>-<pid>.txt. Returns its path, or "" when it cannot be made.
std::string WriteReportFile(const std::string& dir, const char* kind, const std::string& text) {
  std::string path = dir + "/ferry-" + kind + "-" + std::to_string(getpid()) + ".txt";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "";
  WriteAll(fd, text);
  close(fd);
  return path;
}

void OnGuestCrash(Task& task, const siginfo_t& info) {
  if (!g_settings || !g_settings->guest_reports) return;
  g_guest_dying.store(info.si_signo);  // a fault in here ends ferry by the guest's signal
  try {
    std::string text = GuestCrashReport(task, info);
    if (g_settings->dir.empty()) {
      WriteAll(2, text);
    } else if (WriteReportFile(g_settings->dir, "crash", text).empty()) {
      WriteAll(2, "ferry: cannot write the crash report in " + g_settings->dir + "\n");
    }
  } catch (...) {
  }
  g_guest_dying.store(0);
}

[[noreturn]] void OnInternalError(const char* what, const siginfo_t* info, void* ucontext) {
  // A fault while writing a guest report: the guest dies as it would have.
  if (int sig = g_guest_dying.load()) DieBySignal(sig);
  // A fault inside this report: end at once.
  if (g_internal_error.exchange(true)) _exit(kInternalErrorStatus);
  std::string head;
  if (info) {
    head = Format("ferry: internal error: %s (si_code %d, address %p) in ferry's own code\n",
                  SignalName(info->si_signo), info->si_code, info->si_addr);
  } else {
    head = Format("ferry: internal error: %s\n", what ? what : "?");
  }
  std::string trace = HostBacktrace(ucontext);
  std::string about;
  if (g_settings) about = g_settings->version + "command line: " + g_settings->command_line + "\n";
  std::string full = head + about + "\nhost backtrace:\n" + trace;
  if (Task* task = CurrentTask()) {
    try {
      siginfo_t none{};
      full += "\nguest state:\n" + GuestCrashReport(*task, none);
    } catch (...) {
    }
  }
  std::string dir = g_settings && !g_settings->dir.empty() ? g_settings->dir : "/tmp";
  std::string path = WriteReportFile(dir, "internal-error", full);
  // The short form: what, where, and the file with the rest.
  std::string brief = head + about + "host backtrace:\n" + trace;
  brief += path.empty() ? "ferry: (no report file could be written in " + dir + ")\n"
                        : "ferry: full report in " + path + "\n";
  WriteAll(2, brief);
  _exit(kInternalErrorStatus);
}

void OnTerminate() {
  std::string what = "std::terminate";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what += std::string(": uncaught exception: ") + x.what();
    } catch (...) {
      what += ": uncaught exception";
    }
  }
  OnInternalError(what.c_str(), nullptr, nullptr);
}

}  // namespace

std::string HostBacktrace(void* ucontext) {
  std::string out;
  unw_context_t here;
  unw_cursor_t cursor;
  if (ucontext) {
    if (unw_init_local2(&cursor, static_cast<unw_context_t*>(ucontext), UNW_INIT_SIGNAL_FRAME) != 0) return "  (none)\n";
  } else {
    unw_getcontext(&here);
    if (unw_init_local(&cursor, &here) != 0) return "  (none)\n";
  }
  for (int n = 0; n < 48; ++n) {
    unw_word_t ip = 0, offset = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
    char name[512];
    std::string shown = "??";
    if (unw_get_proc_name(&cursor, name, sizeof name, &offset) == 0) {
      int status = -1;
      char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
      shown = (status == 0 && demangled ? demangled : name) + std::string("+") + Hex(offset);
      free(demangled);
    }
    out += Format("  #%-2d %016" PRIx64 " ", n, static_cast<uint64_t>(ip)) + shown + "\n";
    if (unw_step(&cursor) <= 0) break;
  }
  return out;
}

std::string GuestCrashReport(Task& task, const siginfo_t& info) {
  // The mappings hold still while memory_lock is held. Another thread may
  // hold it while it waits for the CPU this one keeps to the end: then,
  // after a short wait, the maps are left out rather than waited for.
  std::unique_lock<std::recursive_mutex> memory(task.process.memory_lock, std::defer_lock);
  for (int i = 0; i < 100 && !memory.try_lock(); ++i) usleep(2000);
  Symbolizer symbols(task);
  uint64_t pc = task.ReadReg(task.arch.reg_pc);
  std::string out;
  if (info.si_signo) {
    out += Format("ferry: guest crash report: pid %d, thread %d, %s, killed by %s\n", getpid(), task.tid,
                  task.arch.name, SignalName(info.si_signo));
    out += "program: " + task.process.exe_path + "\n";
    out += Format("signal: %s (%d), si_code %d (%s), si_addr %p", SignalName(info.si_signo), info.si_signo,
                  info.si_code, CodeName(info.si_signo, info.si_code), info.si_addr);
    if (info.si_code == SI_TKILL || info.si_code == SI_USER) out += Format(", from pid %d", info.si_pid);
    out += "\n";
  } else {
    out += Format("thread %d, %s, program %s\n", task.tid, task.arch.name, task.process.exe_path.c_str());
  }
  out += Format("pc: %016" PRIx64 " %s\n", pc, symbols.Name(pc, false, true).c_str());
  Disassembly(task, symbols, pc, &out);
  Registers(task, &out);
  Backtrace(task, symbols, pc, &out);
  out += "\nmaps:\n";
  out += memory.owns_lock() ? ProcFileContents(task, ProcFile::kMaps)
                            : "  (left out: another thread is changing the mappings)\n";
  Syscalls(task, &out);
  for (const ThreadSlot& slot : task.process.slots) {
    const Task* other = slot.tid.load() ? slot.task.load() : nullptr;
    if (other && other != &task) Syscalls(*other, &out);
  }
  out += "ferry: end of crash report\n";
  return out;
}

void InstallCrashReports(const Options& options, const std::string& version,
                         const std::vector<std::string>& command_line) {
  if (!g_settings) g_settings = new Settings;
  g_settings->guest_reports = options.report;
  g_settings->dir = options.report_dir;
  g_settings->version = version;
  g_settings->command_line.clear();
  for (const std::string& a : command_line) g_settings->command_line += (g_settings->command_line.empty() ? "" : " ") + a;
  CrashHooks hooks = GetCrashHooks();
  hooks.guest_crash = OnGuestCrash;
  hooks.internal_error = OnInternalError;
  SetCrashHooks(hooks);
  std::set_terminate(OnTerminate);
}

}  // namespace ferry
