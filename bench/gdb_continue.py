#!/usr/bin/env python3
"""gdb_continue.py FERRY PROGRAM ARGS...: runs PROGRAM under ferry --gdb with a
minimal client that attaches and continues at once (no breakpoint set), and
exits as the guest did: the cost of running under the stub, for bench/run."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ferry, program, args = sys.argv[1], sys.argv[2], sys.argv[3:]
d = tempfile.mkdtemp(prefix="ferry-bench-gdb.")
path = os.path.join(d, "sock")
p = subprocess.Popen([ferry, "-q", "--gdb", "unix:" + path, program] + args)
while not os.path.exists(path):
    time.sleep(0.001)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(b"$c#63")
data = b""
while b"$W" not in data and b"$X" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
s.close()
p.wait()
shutil.rmtree(d, ignore_errors=True)  # ferry removes its socket itself
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
