#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/seed-* (crash
regressions there are named crash-* and are kept by hand). Needs the
aarch64 and riscv64 cross gcc (tools/setup). Run from the checkout:
  python3 fuzz/make_seeds.py"""
import os, struct, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TINY_C = r"""
static int depth(int n) { return n ? depth(n - 1) + 1 : 0; }
int value = 3;
void _start(void) {
  volatile int r = depth(value);
  for (;;) (void)r;
}
"""
CLEANUP_C = r"""
void release(int *p) { *p = 0; }
void work(int *p);
int guarded(int n) {
  int v __attribute__((cleanup(release))) = n;
  work(&v);
  return v;
}
"""
LINK = ["-nostdlib", "-Wl,-z,max-page-size=4096", "-Wl,-z,common-page-size=4096", "-Wl,--build-id=none"]
VARIANTS = {  # name: flags; small programs of each shape the loader meets
    "static-dwarf5": ["-g", "-gdwarf-5", "-static"],
    "static-pie-dwarf4": ["-g", "-gdwarf-4", "-static-pie", "-fPIE"],
    "dynamic-dwarf2": ["-g", "-gdwarf-2", "-Wl,--dynamic-linker=/lib/ld-linux.so.1"],
}


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


def section(path, arch, name):
    with tempfile.NamedTemporaryFile() as out:
        r = subprocess.run([arch + "-linux-gnu-objcopy", "-O", "binary", "--only-section=" + name, path, out.name])
        return open(out.name, "rb").read() if r.returncode == 0 else b""


def dump_section(path, arch, name):
    """A section's bytes, allocated or not (objcopy -O binary writes only allocated ones)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "section")
        r = subprocess.run([arch + "-linux-gnu-objcopy", "--dump-section", name + "=" + out, path, os.path.join(tmp, "copy")],
                           capture_output=True)
        return open(out, "rb").read() if r.returncode == 0 and os.path.exists(out) else b""


def section_address(path, arch, name):
    out = subprocess.run([arch + "-linux-gnu-objdump", "-h", path], capture_output=True, text=True).stdout
    return next((int(l.split()[3], 16) for l in out.splitlines() if len(l.split()) > 3 and l.split()[1] == name), 0)


def cfi_seed(exe, arch, name, pc):
    """cfi_fuzzer's input: flags, the section's address, a PC in `depth`, a
    stack of words pointing into itself, then the section."""
    data = dump_section(exe, arch, name)
    if not data:
        return None
    flags = (1 if name == ".debug_frame" else 0) | (4 if arch == "riscv64" else 0)
    stack = b"".join(struct.pack("<Q", 0x7fff0000 + 16 * i) for i in range(32))
    return struct.pack("<BQQH", flags, section_address(exe, arch, name), pc, len(stack)) + stack + data


def line_address(path, arch):
    """The address of `depth`, which the line program covers."""
    out = subprocess.run([arch + "-linux-gnu-nm", path], capture_output=True, text=True).stdout
    return next(int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" depth"))


def elf_seeds(tmp):
    src = os.path.join(tmp, "tiny.c")
    open(src, "w").write(TINY_C)
    for arch in ("aarch64", "riscv64"):
        for variant, flags in VARIANTS.items():
            exe = os.path.join(tmp, f"{variant}.{arch}")
            subprocess.run([arch + "-linux-gnu-gcc", "-O1", *flags, *LINK, "-o", exe, src], check=True)
            stripped = exe + ".stripped"
            subprocess.run([arch + "-linux-gnu-strip", "-o", stripped, exe], check=True)
            write("elf_loader", f"{arch}-{variant}", open(stripped, "rb").read())
            write("report_elf", f"{arch}-{variant}", open(exe, "rb").read())
            line, line_str, strs = (section(exe, arch, s) for s in (".debug_line", ".debug_line_str", ".debug_str"))
            for name in (".eh_frame", ".debug_frame"):
                seed = cfi_seed(exe, arch, name, line_address(exe, arch) + 4)
                if seed:
                    write("cfi", f"{arch}-{variant}{name.replace('.', '-')}", seed)
            write("debug_line", f"{arch}-{variant}",
                  struct.pack("<QH", line_address(exe, arch), len(line_str)) + line_str +
                  struct.pack("<H", len(strs)) + strs + line)
    # 'zPLR' CIEs (a personality routine and LSDAs): C with -fexceptions
    # and a cleanup, linked as a shared object so the pointers are real.
    src = os.path.join(tmp, "cleanup.c")
    open(src, "w").write(CLEANUP_C)
    for arch in ("aarch64", "riscv64"):
        lib = os.path.join(tmp, f"cleanup.{arch}.so")
        subprocess.run([arch + "-linux-gnu-gcc", "-O1", "-fexceptions", "-fasynchronous-unwind-tables", "-shared",
                        "-fPIC", "-nostdlib", "-Wl,--build-id=none", "-o", lib, src], check=True)
        out = subprocess.run([arch + "-linux-gnu-nm", lib], capture_output=True, text=True).stdout
        guarded = next(int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" guarded"))
        write("cfi", f"{arch}-zPLR-eh_frame", cfi_seed(lib, arch, ".eh_frame", guarded + 8))
    write("elf_loader", "script", b"#!/bin/sh -e\necho hi\n")
    write("elf_loader", "script-no-interpreter", b"#!   \n")


def gdb_frame(payload):
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xFF)


def gdb_seeds():
    packets = [b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+",
               b"m400000,40", b"M400000,4:deadbeef", b"X400000,2:}\x03}\x04", b"Z0,400080,4", b"z0,400080,4",
               b"vCont;s:p1.1;c", b"Hg0", b"qXfer:features:read:target.xml:0,3fff", b"vFile:open:2f6574632f706173737764,0,0",
               b"p20", b"P20=0000000000000000", b"QStartNoAckMode", b"?", b"g"]
    write("gdb_packets", "session", b"+".join(gdb_frame(p) for p in packets) + b"\x03")
    write("gdb_packets", "bad-checksum", b"$m0,4#00+$g#67")
    write("gdb_packets", "escapes", gdb_frame(b"X0,3:}]}\x03}\x0a") + b"-" + gdb_frame(b"qC"))


def strace_seeds():
    # One input per few rows: row index, argument pointers into the page, and a page of text.
    for index in range(0, 400, 25):
        head = struct.pack("<BH", index & 1, index)
        for arg in range(6):
            head += struct.pack("<BQ", 0x10 * arg, 0x100 * arg)
        head += struct.pack("<qB", 16, 32)
        page = b"/etc/passwd\0" + bytes(range(256)) * 2
        write("strace_decode", f"row-{index}", head + page)


def options_seeds():
    cases = {
        "strace": [b"", b"--strace", b"-f", b"-e", b"trace=openat,read", b"-s", b"64", b"/bin/true"],
        "qemu-spellings": [b"QEMU_LD_PREFIX=/tmp", b"QEMU_STRACE=1", b"", b"-L", b"/", b"-E", b"A=1",
                           b"-U", b"B", b"-0", b"argv0", b"-R", b"1G", b"-seed", b"5", b"prog", b"arg"],
        "ferry-env": [b"FERRY_SEED=7", b"FERRY_TIME=2000-01-01", b"FERRY_REPORT=/tmp", b"", b"--report",
                      b"--gdb-on-crash", b"unix:/tmp/x", b"--time", b"946684800", b"prog"],
        "help": [b"", b"--help"],
        "list": [b"", b"--list-syscalls", b"--markdown"],
    }
    for name, words in cases.items():
        write("options", name, b"\0".join(words))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        elf_seeds(tmp)
    gdb_seeds()
    strace_seeds()
    options_seeds()


if __name__ == "__main__":
    main()
