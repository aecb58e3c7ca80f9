#include "runtime/crash_hooks.h"

#include <unistd.h>

#include <cstdio>

namespace ferry {
namespace {
CrashHooks g_hooks;  // set once at start-up, before the first guest instruction
}  // namespace

void SetCrashHooks(const CrashHooks& hooks) { g_hooks = hooks; }
const CrashHooks& GetCrashHooks() { return g_hooks; }

void InternalError(const char* what) {
  if (g_hooks.internal_error) g_hooks.internal_error(what, nullptr, nullptr);
  fprintf(stderr, "ferry: internal error: %s\n", what);
  _exit(kInternalErrorStatus);
}

}  // namespace ferry
