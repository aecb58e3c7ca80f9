"""real_program_test: a shell script whose `run PROG` calls go to the host's
PROG, Debian's arm64 PROG under ferry, and under qemu-aarch64 (real.sh)."""

ARM64_SYSROOT = "/var/cache/ferry/arm64-sysroot"

def real_program_test(name, script):
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["real.sh"],
        args = [
            "$(location //tools:ferry)",
            ARM64_SYSROOT,
            "'" + script.replace("$", "$$").replace("'", "'\\''") + "'",
        ],
        data = ["//tools:ferry"],
    )
