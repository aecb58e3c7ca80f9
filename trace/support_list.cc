#include "trace/support_list.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "arch/arch.h"
#include "syscalls/syscall_handlers.h"
#include "syscalls/syscall_table.h"

namespace ferry {
namespace {

const char* Level(Support s) {
  switch (s) {
    case Support::kFull: return "full";
    case Support::kPartial: return "partial";
    case Support::kUnsupported: return "ENOSYS";
  }
  return "?";
}

// Where the call runs (ARCHITECTURE.md, "Syscall classes").
const char* Runs(const SyscallRow& row) {
  if (row.support == Support::kUnsupported) return "-";
  switch (row.cls) {
    case SyscallClass::kNonBlocking: return "inline";
    case SyscallClass::kBlocksOnInput:
    case SyscallClass::kBlocksOnOutput: return "inline if ready; waits inline on a pipe or terminal, else in the helper";
    case SyscallClass::kOpensFile: return "inline; a FIFO's open in the helper";
    case SyscallClass::kMayBlock: return "helper (inline when it cannot wait)";
    case SyscallClass::kBlocksAsProcess: return "safe syscall (inline, interruptible)";
    case SyscallClass::kProcessState: return "ferry";
  }
  return "?";
}

// What a signal makes of the call's wait (its row's restart tag), by the
// kernel's code: the markdown intro explains each.
std::string OnSignal(const SyscallRow& row) {
  if (row.support == Support::kUnsupported) return "-";
  std::string rule;
  switch (row.restart) {
    case restart::Rule::kNone: break;
    case restart::Rule::kSys: rule = "ERESTARTSYS"; break;
    case restart::Rule::kNoHand: rule = "ERESTARTNOHAND"; break;
    case restart::Rule::kNever: rule = "EINTR"; break;
  }
  if (row.restart_block) rule = rule.empty() ? "RESTARTBLOCK" : "RESTARTBLOCK, " + rule;
  return rule.empty() ? "-" : rule;
}

std::string NoteOf(const SyscallRow& row) {
  if (row.support == Support::kUnsupported) {
    // An unserved row says why (syscalls.def), after what the guest gets.
    std::string why = row.note;
    return why == "not implemented" ? "not implemented: returns ENOSYS" : "returns ENOSYS: " + why;
  }
  if (row.note[0]) return row.note;
  return row.handler == SysHostCall ? "the host's call, guest pointers checked and rebased" : "";
}

std::string Note(const SyscallRow& row, const std::vector<const arch::ArchInfo*>& arches) {
  std::string lacking;
  for (const arch::ArchInfo* a : arches) {
    if (!row.OnArch(*a)) lacking += (lacking.empty() ? "" : ", ") + std::string(a->name);
  }
  std::string note = NoteOf(row);
  if (lacking.empty()) return note;
  return "not on " + lacking + (note.empty() ? "" : "; ") + note;
}

}  // namespace

std::string SupportList(const std::string& arch_name, bool markdown) {
  std::vector<const arch::ArchInfo*> arches(arch::SupportedArches().begin(), arch::SupportedArches().end());
  if (!arch_name.empty()) {
    std::erase_if(arches, [&](const arch::ArchInfo* a) { return arch_name != a->name; });
    if (arches.empty()) return "";
  }
  std::vector<const SyscallRow*> rows;
  for (const SyscallRow& row : SyscallTable()) {
    // For one arch, only its own calls; for both, the others carry a note.
    if (arches.size() == 1 && !row.OnArch(*arches[0])) continue;
    rows.push_back(&row);
  }
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->nr < b->nr; });
  int counts[3] = {};
  for (const SyscallRow* row : rows) ++counts[static_cast<int>(row->support)];
  std::string names;
  for (size_t i = 0; i < arches.size(); ++i) names += (i ? " and " : "") + std::string(arches[i]->name);

  std::string out;
  char line[512];
  if (markdown) {
    out += "# The syscalls ferry serves\n\n";
    out += "Generated from the syscall table (`syscalls/syscalls.def`) by\n"
           "`ferry --list-syscalls --markdown`; a test fails when this file is stale.\n"
           "Guests: " + names + " (one asm-generic table serves both).\n\n";
    snprintf(line, sizeof line, "%zu rows: %d full, %d partial, %d returning ENOSYS.\n\n",
             rows.size(), counts[0], counts[1], counts[2]);
    out += line;
    out += "\"runs\": inline on the guest thread, in the ptrace-controlled syscall helper\n"
           "(so a guest signal can interrupt it), as a safe syscall (inline, and a guest\n"
           "signal interrupts it just the same), or in ferry's own bookkeeping.\n\n";
    out += "\"on a signal\": what a signal that breaks off the call's wait makes of it, by the\n"
           "kernel's code (signal(7)): ERESTARTSYS runs it again unless a handler without\n"
           "SA_RESTART runs (then EINTR); ERESTARTNOHAND runs it again only when no handler\n"
           "runs; EINTR fails it always; RESTARTBLOCK resumes a timed wait through\n"
           "`restart_syscall` with the time left when no handler runs, else EINTR (the code\n"
           "after it is for the call's other waits); - the call does not wait.\n\n";
    out += "| nr | name | support | runs | on a signal | notes |\n|---:|---|---|---|---|---|\n";
    for (const SyscallRow* row : rows) {
      out += "| " + std::to_string(row->nr) + " | `" + row->name + "` | " + Level(row->support) +
             " | " + Runs(*row) + " | " + OnSignal(*row) + " | " + Note(*row, arches) + " |\n";
    }
    return out;
  }
  snprintf(line, sizeof line, "# ferry syscalls for %s: %zu rows, %d full, %d partial, %d ENOSYS\n",
           names.c_str(), rows.size(), counts[0], counts[1], counts[2]);
  out += line;
  snprintf(line, sizeof line, "%4s  %-24s %-8s %-36s %-28s %s\n", "nr", "name", "support", "runs",
           "on a signal", "notes");
  out += line;
  for (const SyscallRow* row : rows) {
    snprintf(line, sizeof line, "%4d  %-24s %-8s %-36s %-28s %s", row->nr, row->name, Level(row->support),
             Runs(*row), OnSignal(*row).c_str(), Note(*row, arches).c_str());
    std::string text = line;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace ferry
