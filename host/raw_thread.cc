#include "host/raw_thread.h"

#include <linux/sched.h>
#include <sched.h>

namespace ferry {

extern "C" int64_t FerryRawClone3(struct clone_args* args, uint64_t size, void (*fn)(void*), void* arg);

// clone3(args, size); the child, on its new stack, calls fn(arg) and then
// exits (the thread only). fn and arg ride in r12/r13, which the syscall
// keeps and the child inherits.
__asm__(
    ".text\n"
    ".globl FerryRawClone3\n"
    ".type FerryRawClone3, @function\n"
    "FerryRawClone3:\n"
    "  push %r12\n"
    "  push %r13\n"
    "  mov %rdx, %r12\n"
    "  mov %rcx, %r13\n"
    "  mov $435, %eax\n"  // SYS_clone3
    "  syscall\n"
    "  test %rax, %rax\n"
    "  jz 1f\n"
    "  pop %r13\n"
    "  pop %r12\n"
    "  ret\n"
    "1:\n"
    "  xor %ebp, %ebp\n"  // the outermost frame, for unwinders
    "  mov %r13, %rdi\n"
    "  call *%r12\n"
    "  xor %edi, %edi\n"
    "  mov $60, %eax\n"  // SYS_exit
    "  syscall\n"
    "  hlt\n"
    ".size FerryRawClone3, .-FerryRawClone3\n");

int64_t StartRawHostThread(const HostThreadPlacement& placement, void* stack, uint64_t stack_size,
                           volatile pid_t* ended, void (*fn)(void*), void* arg) {
  constexpr uint64_t kCloneIntoCgroup = 0x200000000ull;
  uint64_t thread_pointer;
  __asm__("mov %%fs:0, %0" : "=r"(thread_pointer));  // glibc's TCB points at itself
  struct clone_args args {};
  args.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
               CLONE_CHILD_CLEARTID | (placement.into_cgroup ? kCloneIntoCgroup : 0);
  args.child_tid = reinterpret_cast<uint64_t>(ended);
  args.stack = reinterpret_cast<uint64_t>(stack);
  args.stack_size = stack_size;
  args.tls = thread_pointer;
  args.set_tid = reinterpret_cast<uint64_t>(placement.set_tid.data());
  args.set_tid_size = placement.set_tid.size();
  args.cgroup = placement.cgroup;
  return FerryRawClone3(&args, sizeof args, fn, arg);
}

}  // namespace ferry
