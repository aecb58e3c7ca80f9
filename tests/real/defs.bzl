"""real_program_test: a shell script whose `run PROG` calls go to the host's
PROG, Debian's arm64 PROG under ferry, and under qemu-aarch64 (real.sh)."""

ARM64_SYSROOT = "/var/cache/ferry/arm64-sysroot"

def real_program_test(name, script, oracles = ["native", "qemu"], size = "small", tags = [], data = []):
    """`oracles`: what ferry's stdout and status must equal (qemu-user cannot
    execve a guest program without binfmt_misc, so scripts whose guests
    spawn guests compare with the host only). `tags`: ["no-sandbox"] for a
    script that needs the real root (Bazel's sandbox maps root alone).
    `data`: files of this package the script uses, as $SRC/tests/real/FILE."""
    native.sh_test(
        name = name,
        size = size,
        tags = tags,
        srcs = ["real.sh"],
        args = [
            "$(location //tools:ferry)",
            ARM64_SYSROOT,
            "'" + script.replace("$", "$$").replace("'", "'\\''") + "'",
            "'" + " ".join(oracles) + "'",
        ],
        data = ["//tools:ferry"] + data,
    )
