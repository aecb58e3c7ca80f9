"""cli_test: one end-to-end run of the ferry command (see expect.sh)."""

load("//tests/guest:defs.bzl", _quote = "shell_quote")

def cli_test(name, status, stdout = "", stderr = "", setup = "", args = []):
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["expect.sh"],
        args = [
            "$(location //tools:ferry)",
            "$(location //tests/guest:hello.aarch64)",
            str(status),
            _quote(stdout),
            _quote(stderr),
            _quote(setup),
            "--",
        ] + [_quote(a) for a in args],
        data = [
            "//tests/guest:argv_env.aarch64",
            "//tests/guest:hello.aarch64",
            "//tests/guest:hello.aarch64.dyn",
            "//tests/guest:hello.riscv64.dyn",
            "//tests/guest:openat2_paths.aarch64",
            "//tests/guest:unknown_syscall.aarch64",
            "//tools:ferry",
        ],
    )
