#!/usr/bin/env python3
"""normalize.py TRACE: a strace -f -o trace reduced to what must be equal
between the native run (real strace) and ferry --strace of a guest build.

Kept: every line from the program's `write(1, "BEGIN...` on. Changed only for
what truly differs between the runs: process ids (named P1, P2... in order of
appearance), addresses (ADDR), x86-64's sa_restorer (AArch64 and RISC-V
handlers return through the vDSO), the value rt_sigreturn returns (the
restored first register: x86-64's rax holds the restarted call's number, the
guests' x0/a0 its first argument), and strace's split of a call another
process interrupted ("<unfinished ...>" / "<... resumed>") joined into one
line, and SysV IPC ids (the kernel numbers them from a counter every IPC
user on the machine moves), named MSG1, SEM1, SHM1... by family, with
what else the machine's other IPC users move: the ctl calls' times (TIME),
the counts *_INFO reports and the highest index every IPC_INFO and *_INFO
returns (N); and timer_create's timer id (TIMER: ferry's own per-thread
timers take the first ids). SIGCHLD lines are dropped: the kernel reports an ignored SIGCHLD only
to a ptrace tracer, and ferry's guest is not ptraced.
"""
import re
import sys

lines = open(sys.argv[1]).read().splitlines()
begin = next((i for i, l in enumerate(lines) if 'write(1, "BEGIN' in l), None)
if begin is None:
    sys.exit(f"{sys.argv[1]}: no BEGIN marker")
lines = lines[begin:]

pids = {}
out = []
pending = {}  # pid -> the unfinished call's start
for line in lines:
    m = re.match(r"^(\d+)\s+(.*)$", line)
    if not m:
        sys.exit(f"{sys.argv[1]}: line without a pid prefix: {line}")
    pid, text = m.group(1), m.group(2)
    pids.setdefault(pid, f"P{len(pids) + 1}")
    if text.endswith("<unfinished ...>"):
        start = text[: -len("<unfinished ...>")]
        pending[pid] = start[:-1] if start.endswith(" ") else start  # strace adds one space
        continue
    r = re.match(r"^<\.\.\. (\w+) resumed>\s*(.*)$", text)
    if r and pid in pending:
        start = pending.pop(pid)
        text = start + r.group(2)
    if text.startswith("--- SIGCHLD"):
        continue
    out.append((pid, text))

result = []
ipc_ids = {}  # (family, id) -> its name
for pid, text in out:
    text = re.sub(r"0x[0-9a-f]+", "ADDR", text)
    text = re.sub(r"^(rt_sigreturn\(.*\)\s+= )-?\d+$", r"\1RESTORED", text)
    text = text.replace("SA_RESTORER|", "").replace(", sa_restorer=ADDR", "")
    text = re.sub(r"sa_flags=SA_RESTORER(?=[,}])", "sa_flags=0", text)
    # Process ids where a call names one: kill(PID, ...), si_pid=PID,
    # wait4(PID, ...), waitid(P_PID, PID, ...) and the pid clone, clone3 and
    # wait4 return. (Other numbers,
    # byte counts say, may equal a pid by chance in a pid namespace.)
    def named(m):
        return m.group(1) + pids.get(m.group(2), m.group(2))
    text = re.sub(r"(\b(?:kill|tgkill|tkill|wait4)\(|si_pid=|sigev_notify_thread_id=|shm_[cl]pid=|msg_l[sr]pid=)(\d+)",
                  named, text)
    text = re.sub(r"^((?:clone|clone3|wait4)\(.*\)\s+= )(\d+)$", named, text)
    text = re.sub(r"(\bwaitid\(P_PID, )(\d+)", named, text)
    # strace pads the result to column 40; the padding depends on the above.
    text = re.sub(r"\)\s+= ", ") = ", text)
    text = re.sub(r"\b(\w+_[a-z]?time)=[1-9]\d*", r"\1=TIME", text)
    info = re.match(r"^(msg|sem|shm)ctl\((0, )+(\w+_INFO|IPC_INFO), ", text)
    if info:
        text = re.sub(r"\) = \d+$", ") = N", text)
        if info.group(3) != "IPC_INFO":
            text = re.sub(r"=\d+", "=N", text)
    text = re.sub(r"^(timer_create\(.*, )\[\d+\](\) = 0)$", r"\1[TIMER]\2", text)
    got = re.match(r"^(msg|sem|shm)get\(.*\) = (\d+)$", text)
    if got:
        family = got.group(1)
        name = ipc_ids.setdefault((family, got.group(2)), f"{family.upper()}{sum(k[0] == family for k in ipc_ids) + 1}")
        text = text[: got.start(2)] + name
    if not info:  # (the *_INFO calls' first argument is no id, whatever its value)
        text = re.sub(r"^((msg|sem|shm)(?!get)\w+\()(\d+)", lambda m: m.group(1) + ipc_ids.get((m.group(2), m.group(3)), m.group(3)), text)
    result.append(f"{pids[pid]} {text}")
print("\n".join(result))
