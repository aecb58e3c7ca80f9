#include "report/crash_report.h"

#include <capstone/capstone.h>
#if CS_API_MAJOR < 5
#error "capstone 5 is needed (RISC-V): run tools/setup (DEVELOPERS.md)"
#endif
#include <cxxabi.h>
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <algorithm>
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
#include <optional>

#include "runtime/crash_hooks.h"
#include "runtime/signals.h"
#include "runtime/task.h"
#include "report/cfi.h"
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
  // The ELF file `addr` lies in, with `*bias` set to run-time minus
  // link-time addresses in it; null when unknown.
  const ElfSymbols* FileAt(uint64_t addr, uint64_t* bias) {
    uint64_t start = 0, end = 0;
    const MappingOrigin* origin = task_.memory.origins().Find(addr, &start, &end);
    if (!origin || origin->inode == 0) return nullptr;
    const ElfSymbols* elf = File(*origin);
    std::optional<uint64_t> link = elf ? elf->AddressOfOffset(origin->offset + (addr - start)) : std::nullopt;
    if (!link) return nullptr;
    *bias = addr - *link;
    return elf;
  }
  // The run-time address where the function covering `addr` starts, by
  // its symbol; nullopt when no symbol covers it.
  std::optional<uint64_t> FunctionStart(uint64_t addr, bool return_address = false) {
    uint64_t back = return_address ? 1 : 0, start = 0, end = 0;
    const MappingOrigin* origin = task_.memory.origins().Find(addr - back, &start, &end);
    if (!origin || origin->inode == 0) return std::nullopt;
    const ElfSymbols* elf = File(*origin);
    std::optional<uint64_t> link = elf ? elf->AddressOfOffset(origin->offset + (addr - back - start)) : std::nullopt;
    std::string name;
    uint64_t offset = 0;
    if (!link || !elf->Lookup(*link, &name, &offset)) return std::nullopt;
    return addr - back - offset;
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

// The instructions around `pc`, by capstone in the arch's mode. Up to 24
// bytes before it: the furthest start (at the arch's instruction
// alignment) whose decoding lands on `pc` itself, so variable-length code
// (RISC-V's compressed instructions) is not decoded out of step.
void Disassembly(Task& task, uint64_t pc, std::string* out) {
  *out += "\ninstructions:\n";
  constexpr uint64_t kBefore = 24, kAfter = 24;
  const uint64_t align = task.arch.insn_alignment ? task.arch.insn_alignment : 4;
  uint8_t code[kBefore + kAfter];
  // The readable window: the PC's own page at least; bytes before it may be unmapped.
  uint64_t from = pc >= kBefore ? pc - kBefore : pc, len = sizeof code - (pc >= kBefore ? 0 : kBefore);
  while (from < pc && !task.memory.Read(from, code, len)) from += align, len -= align;
  while (len > 0 && !task.memory.Read(from, code, len)) len -= std::min<uint64_t>(len, align);
  csh cs;
  if (len == 0 || cs_open(static_cast<cs_arch>(task.arch.capstone_arch), static_cast<cs_mode>(task.arch.capstone_mode),
                          &cs) != CS_ERR_OK) {
    *out += "  (unreadable)\n";
    return;
  }
  cs_insn* insns = nullptr;
  size_t n = 0;
  for (uint64_t start = from; start <= pc; start += align) {
    n = cs_disasm(cs, code + (start - from), len - (start - from), start, 0, &insns);
    bool lands = false;
    for (size_t i = 0; i < n && insns[i].address <= pc; ++i) lands |= insns[i].address == pc;
    if (lands || start == pc) break;
    cs_free(insns, n);
    insns = nullptr;
    n = 0;
  }
  for (size_t i = 0; i < n; ++i) {
    std::string hex;  // the instruction's bytes as a little-endian word (2 or 4 bytes)
    for (int b = insns[i].size - 1; b >= 0; --b) hex += Format("%02x", insns[i].bytes[b]);
    *out += Format("%s %016" PRIx64 ":  %-8s  %-8s %s\n", insns[i].address == pc ? "=>" : "  ", insns[i].address,
                   hex.c_str(), insns[i].mnemonic, insns[i].op_str);
  }
  if (n == 0) *out += "  (not disassembled)\n";
  cs_free(insns, n);
  cs_close(&cs);
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

constexpr int kMaxFrames = 64;

// A frame's caller by the frame-pointer records (ArchInfo::reg_fp and the
// record offsets). `last_record`: the record the previous step read (the
// chain must rise), 0 at first. False, saying why in `out`, where the
// chain ends.
bool FramePointerStep(const Task& task, CfiFrame* frame, uint64_t* last_record, std::string* out) {
  const arch::ArchInfo& arch = task.arch;
  if (!frame->Has(arch.dwarf_fp)) {
    *out += "  (frame pointers end: the frame pointer is not known here)\n";
    return false;
  }
  uint64_t fp = frame->regs[arch.dwarf_fp], prev = 0, ret = 0;
  if (fp == 0 && *last_record) {
    *out += "  (outermost frame: the frame-pointer chain ends)\n";
    return false;
  }
  if (*last_record && fp <= *last_record) {
    *out += Format("  (frame pointers end: the next fp %s is not above %s)\n", Hex(fp).c_str(), Hex(*last_record).c_str());
    return false;
  }
  if (fp % 8 != 0 || !task.memory.Read(fp + arch.frame_prev_fp_at, &prev, 8) ||
      !task.memory.Read(fp + arch.frame_return_at, &ret, 8)) {
    *out += Format("  (frame pointers end: fp %s is no readable frame record)\n", Hex(fp).c_str());
    return false;
  }
  if (ret == 0) {
    *out += "  (outermost frame)\n";
    return false;
  }
  *last_record = fp;
  frame->pc = ret;
  frame->Set(arch.dwarf_fp, prev);
  frame->Forget(arch.dwarf_sp);  // somewhere above the record: not known exactly
  return true;
}

// How much of a function's start PrologueStep reads: past any prologue
// that saves every callee-saved register.
constexpr uint64_t kPrologueBytes = 256;

// A frame's caller by what its function's prologue did, read from its code
// (ArchInfo::scan_prologue), for code with neither CFI nor frame pointers.
// `caller`: the frame's PC is a return address. False when the arch reads
// no prologues or this one tells nothing.
bool PrologueStep(const Task& task, Symbolizer& symbols, bool caller, CfiFrame* frame) {
  const arch::ArchInfo& arch = task.arch;
  if (!arch.scan_prologue || !frame->Has(arch.dwarf_sp)) return false;
  std::optional<uint64_t> start = symbols.FunctionStart(frame->pc, caller);
  if (!start || *start >= frame->pc) return false;
  uint8_t code[kPrologueBytes];
  size_t size = std::min(frame->pc - *start, kPrologueBytes);
  arch::PrologueLayout layout;
  if (!task.memory.Read(*start, code, size) || !arch.scan_prologue(code, size, &layout)) return false;
  uint64_t cfa = frame->regs[arch.dwarf_sp] + layout.frame_size, ret = 0;
  if (layout.return_saved) {
    if (!task.memory.Read(cfa + layout.return_at, &ret, 8)) return false;
  } else if (!caller && frame->Has(arch.dwarf_link)) {
    ret = frame->regs[arch.dwarf_link];  // not saved yet: still in the link register
  } else {
    return false;
  }
  if (ret == 0) return false;
  uint64_t fp = 0;
  if (layout.fp_saved && task.memory.Read(cfa + layout.fp_at, &fp, 8)) frame->Set(arch.dwarf_fp, fp);
  else if (layout.fp_saved) frame->Forget(arch.dwarf_fp);
  frame->pc = ret;
  frame->Set(arch.dwarf_sp, cfa);
  return true;
}

// The guest's call chain. Each frame is unwound by its file's .eh_frame
// (else .debug_frame) when an FDE covers its PC (report/cfi.h), else by
// its prologue where the arch reads prologues, else by the frame-pointer
// records; at most kMaxFrames frames.
void Backtrace(Task& task, Symbolizer& symbols, uint64_t pc, std::string* out) {
  const arch::ArchInfo& arch = task.arch;
  *out += "\nbacktrace (call-frame information, else frame pointers):\n";
  CfiFrame frame;
  frame.pc = pc;
  for (size_t r = 0; r < arch.dwarf_register_count; ++r) frame.Set(r, task.ReadReg(arch.dwarf_registers[r]));
  uint64_t last_record = 0;
  const char* note = "";
  for (int n = 0; n < kMaxFrames; ++n) {
    *out += Format("  #%-2d %016" PRIx64 " %s%s\n", n, frame.pc, symbols.Name(frame.pc, n > 0).c_str(), note);
    note = "";
    uint64_t bias = 0;
    const ElfSymbols* elf = symbols.FileAt(n > 0 ? frame.pc - 1 : frame.pc, &bias);
    CfiStatus cfi = CfiStatus::kNoFde;
    CfiFrame caller = frame;
    const char* why = "?";
    for (const CfiSection* section : {elf ? &elf->eh_frame() : nullptr, elf ? &elf->debug_frame() : nullptr}) {
      if (cfi == CfiStatus::kNoFde && section && !section->data.empty()) {
        cfi = CfiStep(*section, bias, arch.dwarf_sp, task.memory, n > 0, &caller, &why);
      }
    }
    if (cfi == CfiStatus::kOutermost) {
      *out += "  (outermost frame: its call-frame information leaves the return address undefined)\n";
      return;
    }
    if (cfi == CfiStatus::kStepped) {
      if (caller.pc == 0) {
        *out += "  (outermost frame: the return address is 0)\n";
        return;
      }
      if (frame.Has(arch.dwarf_sp) && caller.regs[arch.dwarf_sp] < frame.regs[arch.dwarf_sp]) {
        *out += "  (unwinding ends: the caller's stack pointer is below this frame's)\n";
        return;
      }
      frame = caller;
      last_record = 0;
      continue;
    }
    if (cfi == CfiStatus::kFailed) *out += Format("  (call-frame information: %s; trying frame pointers)\n", why);
    if (cfi == CfiStatus::kNoFde && PrologueStep(task, symbols, n > 0, &frame)) {
      note = "  (by the prologue of the frame above)";
      last_record = 0;
      continue;
    }
    // A leaf function with no frame record and no FDE: its caller is only
    // in the link register (which otherwise points back into the function
    // itself, or is the first record's return address).
    if (n == 0 && cfi == CfiStatus::kNoFde && frame.Has(arch.dwarf_link) && frame.Has(arch.dwarf_fp)) {
      uint64_t link = frame.regs[arch.dwarf_link], fp = frame.regs[arch.dwarf_fp], ret = 0;
      bool record = fp % 8 == 0 && task.memory.Read(fp + arch.frame_return_at, &ret, 8);
      if (link && (!record || link != ret) && symbols.Function(link, true) != symbols.Function(frame.pc)) {
        frame.pc = link;
        note = "  (from the link register)";
        continue;
      }
    }
    if (!FramePointerStep(task, &frame, &last_record, out)) return;
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
  Disassembly(task, pc, &out);
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
