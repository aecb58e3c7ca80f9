// What differs per guest architecture, as data. Generic code reads an
// ArchInfo and never asks which architecture it runs; each arch/<name>/
// folder fills one in.
#pragma once

#include <sys/stat.h>
#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace arch {

// One guest open(2)-flag bit and the host bit it stands for.
struct FlagPair {
  uint32_t guest;
  uint32_t host;
};

// How arch code reads and writes guest memory: honours guest protections,
// false when any byte is out of reach (the kernel's EFAULT / SIGSEGV case).
class GuestAccess {
 public:
  virtual bool Read(uint64_t addr, void* dst, uint64_t len) const = 0;
  virtual bool Write(uint64_t addr, const void* src, uint64_t len) = 0;

 protected:
  ~GuestAccess() = default;
};

// What a signal frame needs besides the CPU's registers.
struct SignalFrameRequest {
  int sig;
  const void* siginfo;     // 128 bytes; the 64-bit asm-generic layout equals x86_64's
  uint64_t saved_mask;     // the mask rt_sigreturn restores
  uint64_t stack_top;      // the frame goes below this (the alternate stack if chosen)
  uint64_t stack_limit;    // on the alternate stack: its bottom; a frame below it fails
  uint64_t handler;
  uint64_t restorer;       // where the handler returns to
  uint64_t altstack_sp;    // uc_stack as the kernel reports it
  uint64_t altstack_size;
  int32_t altstack_flags;
};

// The uc_stack a frame recorded, returned by pop_signal_frame for sigaltstack.
struct SignalFrameResult {
  uint64_t saved_mask = 0;
};

// One register as gdb's remote protocol numbers it for this arch.
struct GdbRegister {
  const char* name;
  int regnum;           // gdb's number (the p/P packets and the target description)
  int uc_reg;           // Unicorn's id
  uint16_t bits;
  const char* type;     // gdb type: "int", "code_ptr", "data_ptr", "ieee_double", or an id the features define
  const char* feature;  // the target-description feature it belongs to
};

// A syscall in an arch whose numbers are not asm-generic's: its name as
// syscalls/syscalls.def names it, and this arch's number for it (the
// kernel's arch/*/entry/syscalls/*.tbl files, as data).
struct SyscallNumber {
  const char* name;
  int nr;
};

// What a function's prologue did to its frame, as its code says: how far
// it moved the stack pointer down, and where it stored the return address
// and the frame pointer (offsets from the stack pointer at entry, which is
// the caller's stack pointer and DWARF's CFA).
struct PrologueLayout {
  uint64_t frame_size = 0;
  bool return_saved = false;
  int64_t return_at = 0;
  bool fp_saved = false;
  int64_t fp_at = 0;
};

// One bit per guest arch, for masks such as a syscall row's arches.
enum ArchBit : uint8_t { kAarch64Bit = 1 << 0, kRiscv64Bit = 1 << 1 };

struct ArchInfo {
  const char* name;            // "aarch64": what uname -m and messages say
  uint16_t elf_machine;        // EM_AARCH64, EM_RISCV
  uint32_t audit_arch;         // AUDIT_ARCH_*: seccomp_data.arch and SIGSYS's si_arch
  uc_arch unicorn_arch;
  uc_mode unicorn_mode;
  int unicorn_cpu_model;
  const char* platform;        // AT_PLATFORM string
  uint64_t hwcap;              // AT_HWCAP: features the guest libc may use
  uint64_t hwcap2;
  const char* cross_sysroot;   // Debian's cross sysroot (libc6-*-cross), used when the loader is not on the host
  // One processor's /proc/cpuinfo entry; %d is its number. Matches hwcap.
  const char* cpuinfo_entry;

  // Registers and the syscall ABI.
  int reg_pc;
  int reg_sp;
  int reg_syscall_nr;
  int reg_args[6];             // argument registers; the result goes in reg_args[0]
  int reg_tls;                 // thread pointer (a system register or a GPR)
  // The frame-pointer ABI, for crash reports' backtraces: the frame
  // pointer, the link register, and where the frame record the frame
  // pointer points at keeps the caller's frame pointer and the return
  // address (offsets from the frame pointer).
  int reg_fp;
  int reg_link;
  int8_t frame_prev_fp_at;
  int8_t frame_return_at;
  // The DWARF register numbering (.eh_frame's columns), for crash reports'
  // CFI unwinding: Unicorn's id of DWARF registers 0..count-1 (the integer
  // registers), and the DWARF numbers of the stack pointer (the CFA is the
  // caller's SP), the frame pointer and the link register.
  const int* dwarf_registers;
  uint8_t dwarf_register_count;
  uint8_t dwarf_sp;
  uint8_t dwarf_fp;
  uint8_t dwarf_link;
  // Capstone's cs_arch and cs_mode for this arch's instructions (crash
  // reports' disassembly), and the instructions' alignment in bytes.
  int capstone_arch;
  int capstone_mode;
  uint8_t insn_alignment;
  // Reads a function's prologue from `code` (its first bytes, ending at
  // the PC at most), for crash reports' backtraces through code with
  // neither call-frame information nor frame pointers (Debian's riscv64
  // libc: abort, raise's callers). False when it finds no frame set-up.
  // Null where every library has CFI.
  bool (*scan_prologue)(const uint8_t* code, size_t size, PrologueLayout* layout);
  uint32_t syscall_intno;      // Unicorn interrupt number of the syscall trap
  uint32_t breakpoint_intno;   // ... of a breakpoint instruction
  uint32_t undefined_intno;    // ... of an undefined instruction
  bool (*is_breakpoint)(uint32_t insn);  // the instruction at a bare stop (first 4 bytes; may be 2)
  // An undefined_intno trap: when the instruction is one the kernel serves
  // for user space (RISC-V's rdtime, AArch64's MRS of the ID registers),
  // writes its result, leaves the PC after it and returns true. Otherwise
  // returns false with the PC on the instruction, where SIGILL reports it.
  bool (*emulate_undefined)(uc_engine* uc, const GuestAccess& memory);

  // Puts a fresh CPU into the state a user-mode process starts in.
  void (*prepare_cpu)(uc_engine* uc);
  // Instruction-cache maintenance done by an instruction (AArch64's IC IVAU,
  // IC IALLU): hooks it on `uc` so `invalidate(user, addr, len)` runs for
  // it. Null where it is a syscall instead (RISC-V's riscv_flush_icache).
  using IcacheInvalidate = void (*)(void* user, uint64_t addr, uint64_t len);
  bool (*hook_icache_maintenance)(uc_engine* uc, IcacheInvalidate invalidate, void* user, uc_hook* hook);

  uint32_t syscall_insn_size;
  // Length of the instruction whose first 16 bits are `low` (2 or 4 bytes).
  uint32_t (*insn_length)(uint16_t low);  // how far to rewind the PC to restart a call

  // Signal frames as the kernel lays them out (rt_sigframe: siginfo, then
  // ucontext with the arch's sigcontext). push writes the frame and points the
  // registers at the handler; pop restores the registers from the frame at sp.
  bool (*push_signal_frame)(uc_engine* uc, GuestAccess& memory, const SignalFrameRequest& request);
  bool (*pop_signal_frame)(uc_engine* uc, const GuestAccess& memory, SignalFrameResult* result);
  // Code for a return-from-handler trampoline: rt_sigreturn (the kernel's vDSO
  // sigreturn), used when the guest gives no SA_RESTORER.
  uint32_t sigreturn_code[2];
  // Where rt_sigreturn finds the saved mask, from the frame's start (the SP):
  // after the siginfo, in the ucontext (--strace shows it).
  uint64_t sigframe_mask_offset;

  // Guest struct layouts that differ from the host's.
  size_t stat_size;
  void (*encode_stat)(const struct stat& host, void* guest);
  size_t stat_mode_offset;  // where --strace finds st_mode (u32) and st_size (i64)
  size_t stat_size_offset;
  bool sigaction_has_restorer;  // does the guest's kernel sigaction carry sa_restorer
  // shmat's address alignment, the kernel's SHMLBA for this arch's 64-bit
  // tasks (SHM_RND rounds down to it; an address off it is EINVAL).
  uint64_t shmlba;
  // Bytes in a guest pointer or `long`: 8 on LP64 arches, 4 on ILP32 ones.
  // Generic code reads and writes guest words through guest::ReadWord /
  // WriteWord / StoreWords (arch/generic/abi.h), never as a bare uint64_t.
  uint8_t word_size;

  // This arch's bit in a syscall row's arch mask (which arches have the call).
  uint8_t arch_bit;
  // This arch's syscall numbers. Empty (AArch64, RISC-V64): the asm-generic
  // numbers (include/uapi/asm-generic/unistd.h) that syscalls.def's rows
  // carry. An arch with its own numbering (x86_64, 32-bit ARM) lists them.
  const SyscallNumber* syscall_numbers;
  size_t syscall_number_count;

  // Unicorn's internal per-target functions (QEMU's cpu_restore_state and
  // cpu_loop_exit, suffixed by target in libunicorn): abandoning a guest
  // access that raised a host fault (async_stop.h).
  bool (*unicorn_restore_state)(void* cpu, uintptr_t host_pc, bool will_exit);
  void (*unicorn_loop_exit)(void* cpu);

  // gdb remote stub: the registers (in gdb's order), how many the g packet
  // carries, the <architecture> name, and type definitions per feature.
  const GdbRegister* gdb_registers;
  size_t gdb_register_count;
  size_t gdb_g_registers;
  const char* gdb_architecture;
  const char* gdb_fpu_types;  // XML defining the FP feature's vector types

  // open(2) flag bits whose values differ from x86_64; identical bits pass.
  const FlagPair* open_flag_diffs;
  size_t open_flag_diff_count;
};

// The supported architectures (the one list a new arch joins), and lookup
// by ELF e_machine.
std::span<const ArchInfo* const> SupportedArches();
const ArchInfo* FindArchByElfMachine(uint16_t machine);
extern const ArchInfo kAarch64;
extern const ArchInfo kRiscv64;

// Open-flag translation both ways, driven by ArchInfo::open_flag_diffs.
uint32_t GuestToHostOpenFlags(const ArchInfo& arch, uint32_t guest_flags);
uint32_t HostToGuestOpenFlags(const ArchInfo& arch, uint32_t host_flags);

}  // namespace arch
