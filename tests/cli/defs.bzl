"""cli_test: one end-to-end run of the ferry command (see expect.sh)."""

def _quote(s):
    # Test args are make-variable expanded and shell-tokenized by Bazel.
    return "'" + s.replace("$", "$$").replace("'", "'\\''") + "'"

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
            "//tests/guest:hello.aarch64",
            "//tools:ferry",
        ],
    )
