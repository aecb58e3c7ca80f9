#!/usr/bin/env python3
"""protocol_test.py FERRY GUEST: ferry's gdb stub at the protocol level, with
input gdb itself never sends: garbage, bad checksums, unknown and malformed
packets, an unmapped address, Ctrl-C (0x03) while the guest runs, a second
client, and a client that disconnects mid-session (the guest then runs on);
and the thread packets on a threaded guest (qfThreadInfo, T, Hg, vCont for
another thread, qThreadExtraInfo)."""
import os
import struct
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ferry, guest = sys.argv[1], sys.argv[2]
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += not ok


def frame(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def send_raw(self, data):
        self.s.sendall(data)

    def read_until(self, pred):
        while not pred(self.buf):
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError("stub closed the connection")
            self.buf += chunk

    def ack(self):
        self.read_until(lambda b: len(b) >= 1)
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def reply(self):
        self.read_until(lambda b: b"#" in b and len(b) >= b.index(b"#") + 3)
        start = self.buf.index(b"$")
        end = self.buf.index(b"#")
        body = self.buf[start + 1:end]
        checksum = self.buf[end + 1:end + 3]
        self.buf = self.buf[end + 3:]
        self.s.sendall(b"+")
        return body, checksum == b"%02x" % (sum(body) & 0xFF)

    def request(self, body):
        self.send_raw(frame(body))
        ack = self.ack()
        body, good = self.reply()
        return ack, body, good


made_dirs = []


def symbol_address(path, name):
    """The value of symbol `name` in a 64-bit little-endian ELF's .symtab."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sh[6]]
        for at in range(sh[4], sh[4] + sh[5], 24):
            st_name, _, _, _, st_value, _ = struct.unpack_from("<IBBHQQ", data, at)
            end = data.index(b"\0", strtab[4] + st_name)
            if data[strtab[4] + st_name:end] == name:
                return st_value
    raise KeyError(name)


def wait_asleep(pid, timeout=10.0):
    """Until the process has slept (state S) for 0.2 s in a row: blocked in read()."""
    deadline = time.time() + timeout
    asleep_since = None
    while time.time() < deadline:
        try:
            state = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state == "S":
            asleep_since = asleep_since or time.time()
            if time.time() - asleep_since >= 0.2:
                return
        else:
            asleep_since = None
        time.sleep(0.01)


def start(args):
    d = tempfile.mkdtemp(dir="/tmp", prefix="ferry-gdb.")  # socket paths must be short
    made_dirs.append(d)
    path = os.path.join(d, "gdb.sock")
    p = subprocess.Popen([ferry, "--gdb", "unix:" + path, guest] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(200):
        if os.path.exists(path):
            break
        time.sleep(0.02)
    return p, path


# A session with bad input, then Ctrl-C while running, then kill.
p, path = start(["spin"])
c = Client(path)
c.send_raw(b"garbage before any packet")
c.send_raw(b"$g#00")  # bad checksum
check(c.ack() == b"-", "a bad checksum is refused with '-'")
ack, body, good = c.request(b"qSupported:multiprocess+;swbreak+")
check(ack == b"+" and b"PacketSize=" in body and good, "qSupported answers with PacketSize")
ack, body, _ = c.request(b"qFerryNoSuchPacket")
check(body == b"", "an unknown packet gets the empty reply")
ack, body, _ = c.request(b"mzz,4")
check(body.startswith(b"E"), "a malformed memory read is an error reply")
ack, body, _ = c.request(b"m0,4")
check(body == b"E14", "an unmapped address reads as E14, not a crash")
ack, body, _ = c.request(b"p9999")
check(body.startswith(b"E"), "an unknown register number is an error reply")
ack, body, _ = c.request(b"?")
check(body.startswith(b"T05thread:"), "? reports the stop before the first instruction")
second = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    second.connect(path)
    second.settimeout(2)
    refused = second.recv(1) == b""
except OSError:
    refused = True
check(refused, "a second client is refused while one is attached")
c.send_raw(frame(b"c"))
check(c.ack() == b"+", "continue is acknowledged")
time.sleep(0.3)
c.send_raw(b"\x03")
body, good = c.reply()
check(body.startswith(b"T02"), "Ctrl-C stops the running guest with SIGINT (%r)" % body)
ack, body, _ = c.request(b"g")
check(len(body) > 100 and all(ch in b"0123456789abcdef" for ch in body), "registers read after the stop")
c.send_raw(frame(b"k"))
try:
    p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
check(p.returncode == -9, "k kills the guest: ferry ends by SIGKILL (%s)" % p.returncode)

# Ctrl-C while the guest is blocked in read(): the read is interrupted in the
# helper, the stop is SIGINT, and after continue the read runs again and
# gets the data exactly once.
d = tempfile.mkdtemp(dir="/tmp", prefix="ferry-gdb.")
made_dirs.append(d)
path = os.path.join(d, "gdb.sock")
p = subprocess.Popen([ferry, "--gdb", "unix:" + path, guest, "read"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
for _ in range(200):
    if os.path.exists(path):
        break
    time.sleep(0.02)
c = Client(path)
c.request(b"qSupported")
c.send_raw(frame(b"c"))
c.ack()
wait_asleep(p.pid)  # the guest is now blocked in read()
c.send_raw(b"\x03")
body, good = c.reply()
check(body.startswith(b"T02"), "Ctrl-C stops a guest blocked in read() with SIGINT (%r)" % body)
ack, pc_hex, _ = c.request(b"p20")  # pc is register 32 on both arches
pc = int.from_bytes(bytes.fromhex(pc_hex.decode()), "little")
ack, insn, _ = c.request(b"m%x,4" % pc)
check(insn in (b"010000d4", b"73000000"),
      "the PC is back on the read's svc/ecall, to run it again (%r)" % insn)
c.send_raw(frame(b"c"))
c.ack()
time.sleep(0.2)
p.stdin.write(b"hello\n")
p.stdin.flush()
body, good = c.reply()
check(body == b"W00", "continued, the read gets the data and the guest exits 0 (%r)" % body)
out, err = p.communicate(timeout=20)
check(out == b"read 6: hello\n\n" or out == b"read 6: hello\n", "the data was read exactly once (%r)" % out)

# QCatchSyscalls: stops at the entry to and return from write (64 on both arches).
p, path = start([])
c = Client(path)
c.request(b"qSupported")
ack, body, _ = c.request(b"QCatchSyscalls:1;40")
check(body == b"OK", "QCatchSyscalls is accepted")
c.send_raw(frame(b"c"))
c.ack()
body, _ = c.reply()
check(body.startswith(b"T05") and b"syscall_entry:40;" in body, "a stop at write's entry (%r)" % body)
c.send_raw(frame(b"c"))
c.ack()
body, _ = c.reply()
check(body.startswith(b"T05") and b"syscall_return:40;" in body, "a stop at write's return (%r)" % body)
c.send_raw(frame(b"c"))
c.ack()
body, _ = c.reply()
check(body == b"W00", "then the guest exits 0 (%r)" % body)
p.communicate(timeout=20)

# A client that goes away mid-session: the guest runs on to its end.
p, path = start([])
c = Client(path)
c.request(b"qSupported")
c.s.close()
try:
    out, err = p.communicate(timeout=20)
except subprocess.TimeoutExpired:
    p.kill()
    out, err = p.communicate()
check(p.returncode == 0 and out == b"done\n", "after a disconnect the guest runs to its end (%s, %r)" % (p.returncode, out))

# Threads: a breakpoint one of three workers hits with all four threads alive.
p, path = start(["threads"])
c = Client(path)
c.request(b"qSupported")
ack, body, _ = c.request(b"Z0,%x,4" % symbol_address(guest, b"past_barrier"))
check(body == b"OK", "a breakpoint in the workers' code is accepted")
c.send_raw(frame(b"vCont;c"))
c.ack()
body, _ = c.reply()
stopped = body.split(b"thread:")[1].split(b";")[0] if b"thread:" in body else b""
check(body.startswith(b"T05") and stopped and int(stopped, 16) != p.pid,
      "a worker thread (not the main one) reports the breakpoint (%r)" % body)
ack, body, _ = c.request(b"qfThreadInfo")
ids = body[1:].split(b",") if body.startswith(b"m") else []
check(len(ids) == 4 and b"%x" % p.pid in ids and stopped in ids, "qfThreadInfo lists all four threads (%r)" % body)
ack, body, _ = c.request(b"qsThreadInfo")
check(body == b"l", "qsThreadInfo ends the list")
check(all(c.request(b"T" + i)[1] == b"OK" for i in ids), "T: every listed thread is alive")
ack, body, _ = c.request(b"T1")
check(body.startswith(b"E"), "T: a thread that does not exist is an error (%r)" % body)
ack, body, _ = c.request(b"qThreadExtraInfo,%x" % p.pid)
check(b"main thread" in bytes.fromhex(body.decode()), "qThreadExtraInfo names the main thread")
ack, stopped_regs, _ = c.request(b"g")
ack, body, _ = c.request(b"Hg%x" % p.pid)
ack, main_regs, _ = c.request(b"g")
check(body == b"OK" and main_regs != stopped_regs and len(main_regs) == len(stopped_regs),
      "Hg selects the main thread's registers")
ack, body, _ = c.request(b"Hg" + stopped)
ack, pc_before, _ = c.request(b"p20")
for _ in range(4):  # other workers' breakpoint stops may come first (all-stop)
    c.send_raw(frame(b"vCont;s:" + stopped + b";c"))
    c.ack()
    body, _ = c.reply()
    if body.startswith(b"T05thread:" + stopped + b";"):
        break
c.request(b"Hg" + stopped)
ack, pc_after, _ = c.request(b"p20")
check(body.startswith(b"T05thread:" + stopped + b";") and pc_after != pc_before,
      "vCont;s:THREAD;c steps that thread one instruction (%r)" % body)
c.request(b"z0,%x,4" % symbol_address(guest, b"past_barrier"))
c.send_raw(frame(b"vCont;c"))
c.ack()
body, _ = c.reply()
check(body == b"W00", "without the breakpoint the threads finish and the guest exits 0 (%r)" % body)
out, err = p.communicate(timeout=20)
check(out == b"threads sum 60\n", "the threaded guest's output (%r)" % out)

for d in made_dirs:
    shutil.rmtree(d, ignore_errors=True)
print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
