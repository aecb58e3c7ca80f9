"""Guest test programs: one C source built for every guest arch and the host,
then run under ferry and compared with the host build and with qemu-user."""

GUEST_ARCHES = {
    "aarch64": "aarch64-linux-gnu-gcc",
    "riscv64": "riscv64-linux-gnu-gcc",
}

def shell_quote(s):
    """Test args are make-variable expanded and shell-tokenized by Bazel."""
    return "'" + s.replace("$", "$$").replace("'", "'\\''") + "'"

def guest_program(name, src, copts = [], pie = False, arches = None):
    """Builds `src` as <name>.aarch64, <name>.riscv64 (static) and <name>.native."""
    flags = " ".join(["-O2", "-Wall"] + copts)
    link = "-static-pie" if pie else "-static"
    for arch in (arches or GUEST_ARCHES.keys()):
        cc = GUEST_ARCHES[arch]
        native.genrule(
            name = name + "_build_" + arch,
            srcs = [src, "//tests/guest:check.h"],
            outs = [name + "." + arch],
            cmd = "%s %s %s -o $@ $(location %s) -lm" % (cc, link, flags, src),
        )
    native.genrule(
        name = name + "_build_native",
        srcs = [src, "//tests/guest:check.h"],
        outs = [name + ".native"],
        cmd = "gcc %s -o $@ $(location %s) -lm" % (flags, src),
    )

def guest_test(name, program, args = [], env = {}, signals = [], oracles = ["native", "qemu"], arches = None, size = "small"):
    """One test per guest arch: stdout and exit status under ferry must equal
    those of each oracle ("native": the host build; "qemu": qemu-user).
    `signals`: ["USR1@0.5", ...] sent from outside at those times."""
    for arch in (arches or GUEST_ARCHES.keys()):
        native.sh_test(
            name = name + "_" + arch,
            size = size,
            srcs = ["//tests/guest:compare.sh"],
            args = [
                "$(location //tools:ferry)",
                arch,
                "$(location :%s.%s)" % (program, arch),
                "$(location :%s.native)" % program,
                ",".join(oracles),
            ] + [shell_quote("%s=%s" % (k, v)) for k, v in env.items()] +
                   ["@SIGNAL=" + s for s in signals] + ["--"] +
                   [shell_quote(a) for a in args],
            data = [
                "//tools:ferry",
                ":%s.%s" % (program, arch),
                ":%s.native" % program,
            ],
        )
