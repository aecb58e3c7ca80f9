"""Guest test programs: one C source built for every guest arch and the host,
then run under ferry and compared with the host build and with qemu-user.
Each guest program is built static and dynamically linked against Debian's
cross sysroot; each test runs the static build, the dynamic one with the
sysroot ferry finds by itself, and (for the families where it matters) the
dynamic one with -L."""

GUEST_ARCHES = {
    "aarch64": "aarch64-linux-gnu-gcc",
    "riscv64": "riscv64-linux-gnu-gcc",
}

GUEST_CXX = {
    "aarch64": "aarch64-linux-gnu-g++",
    "riscv64": "riscv64-linux-gnu-g++",
    "native": "g++",
}

def _compiler(arch, cxx):
    if cxx:
        return GUEST_CXX[arch]
    return GUEST_ARCHES.get(arch, "gcc")

def _sources(srcs):
    return " ".join(["$(location %s)" % s for s in srcs if not s.endswith(".h")])

def guest_shared_library(name, srcs, cxx = False):
    """Builds lib<name>.<arch>.so for every guest arch and lib<name>.native.so,
    each with that file name as its soname."""
    for arch in list(GUEST_ARCHES.keys()) + ["native"]:
        lib = "lib%s.%s.so" % (name, arch)
        native.genrule(
            name = "lib%s_build_%s" % (name, arch),
            srcs = srcs,
            outs = [lib],
            cmd = "%s -O2 -Wall -shared -fPIC -Wl,-soname,%s -o $@ %s" % (_compiler(arch, cxx), lib, _sources(srcs)),
        )

def cross_sysroot(arch):
    return "/usr/%s-linux-gnu" % arch

def shell_quote(s):
    """Test args are make-variable expanded and shell-tokenized by Bazel."""
    return "'" + s.replace("$", "$$").replace("'", "'\\''") + "'"

def _build(rule, arch, out, link_flags, src, srcs, flags, cxx, shared_libs):
    libs = [":lib%s.%s.so" % (l, arch) for l in shared_libs]
    lib_flags = " ".join(["$(location %s)" % l for l in libs])
    if shared_libs:
        lib_flags += " -Wl,-rpath,'$$ORIGIN'"
    native.genrule(
        name = rule,
        srcs = srcs + libs,
        outs = [out],
        cmd = "%s %s %s -o $@ $(location %s) %s -lm" % (_compiler(arch, cxx), link_flags, flags, src, lib_flags),
    )

def guest_program(name, src, copts = [], pie = False, arches = None, dynamic = True, static = True, cxx = False, hdrs = [], shared_libs = []):
    """Builds `src` as <name>.aarch64, <name>.riscv64 (static, unless `static`
    is False), <name>.<arch>.dyn (dynamically linked, unless `dynamic` is
    False) and <name>.native. `shared_libs`: guest_shared_library names linked
    in and found beside the program ($ORIGIN)."""
    flags = " ".join(["-O2", "-Wall", "-Itests/guest"] + copts)
    link = "-static-pie" if pie else "-static"
    srcs = [src, "//tests/guest:check.h"] + hdrs

    for arch in (arches or GUEST_ARCHES.keys()):
        if static:
            _build(name + "_build_" + arch, arch, name + "." + arch, link, src, srcs, flags, cxx, shared_libs)
        if dynamic:
            _build(name + "_build_" + arch + "_dyn", arch, name + "." + arch + ".dyn", "", src, srcs, flags, cxx, shared_libs)
    _build(name + "_build_native", "native", name + ".native", "", src, srcs, flags, cxx, shared_libs)

# The families whose dynamic builds also run with the sysroot given by -L:
# what -L changes (the interpreter, libraries, paths, what an exec hands
# on) is theirs. Elsewhere the _dyn_L run repeated _dyn's for CI time that
# the 20-minute budget needs (274 runs, 306 s of test time).
SYSROOT_FLAG_FAMILIES = ["basics", "dynamic", "processes", "sandbox"]

def _family(program):
    sources = native.glob(["*/%s.c" % program, "*/%s.cc" % program])
    return sources[0].split("/")[0] if sources else ""

def guest_test(name, program, args = [], env = {}, signals = [], signals_after_output = False, oracles = ["native", "qemu"], arches = None, size = "small", dynamic = True, static = True, dynamic_oracles = None, shared_libs = [], status = 0, tags = [], sysroot_flag = None):
    """Tests per guest arch: stdout and exit status under ferry must equal
    those of each oracle ("native": the host build; "qemu": qemu-user).
    `signals`: ["USR1@0.5", ...] sent from outside at those times, counted
    from the start or, with `signals_after_output`, from the program's first
    output (so that a slow start under load does not shift them).
    With `dynamic`, the dynamically linked build runs too: <name>_<arch>_dyn
    (sysroot found by ferry) and, with `sysroot_flag` (default: the program's
    family is in SYSROOT_FLAG_FAMILIES), <name>_<arch>_dyn_L (sysroot given
    with -L), compared with `dynamic_oracles` (default: `oracles` but qemu). `shared_libs`: the
    libraries the program loads, made available beside it. `status`: the
    exit status the native run must give (128+N for signal N).
    `tags`: the sh_tests' tags (["no-sandbox"] for a test that needs the real root:
    Bazel's sandbox is a user namespace where only root's own id maps)."""
    for arch in (arches or GUEST_ARCHES.keys()):
        variants = []
        if static:
            variants.append(("", ".%s" % arch, [], oracles))
        if dynamic:
            sysroot = cross_sysroot(arch)
            # qemu-user is the static build's second oracle; the dynamic
            # builds are held to the host's, which halves their run time (CI's
            # 20-minute budget) and loses little: what differs between the
            # builds is ferry's loading, which the host's output judges.
            dyn_oracles = dynamic_oracles or [o for o in oracles if o != "qemu"] or oracles
            variants.append(("_dyn", ".%s.dyn" % arch, ["@QEMUARG=-L", "@QEMUARG=" + sysroot], dyn_oracles))
            with_flag = sysroot_flag if sysroot_flag != None else _family(program) in SYSROOT_FLAG_FAMILIES
            if with_flag:
                variants.append(("_dyn_L", ".%s.dyn" % arch, ["@FERRYARG=-L", "@FERRYARG=" + sysroot, "@QEMUARG=-L", "@QEMUARG=" + sysroot], dyn_oracles))
        libs = []
        for l in shared_libs:
            libs += [":lib%s.%s.so" % (l, arch), ":lib%s.native.so" % l]
        for suffix, binary, extra, test_oracles in variants:
            native.sh_test(
                name = name + "_" + arch + suffix,
                size = size,
                tags = tags,
                srcs = ["//tests/guest:compare.sh"],
                args = [
                    "$(location //tools:ferry)",
                    arch,
                    "$(location :%s%s)" % (program, binary),
                    "$(location :%s.native)" % program,
                    ",".join(test_oracles),
                ] + [shell_quote("%s=%s" % (k, v)) for k, v in env.items()] +
                       ["@SIGNAL=" + s for s in signals] +
                       (["@SIGNALS_AFTER_OUTPUT"] if signals_after_output else []) + extra + ["@STATUS=%d" % status, "--"] +
                       [shell_quote(a) for a in args],
                data = [
                    "//tools:ferry",
                    ":%s%s" % (program, binary),
                    ":%s.native" % program,
                ] + libs,
            )

def _family_sources():
    return native.glob(["*/*.c"], exclude = ["dynamic/**"])

def guest_programs():
    """Every C file in a family folder (but dynamic/, whose programs need
    shared libraries) as a guest program named after the file."""
    for src in _family_sources():
        name = src.split("/")[-1][:-2]
        family = src.split("/")[0]
        guest_program(name = name, src = src, copts = ["-pthread"], hdrs = native.glob([family + "/*.h"]))

def guest_default_tests(no_default = []):
    """A plain test (no arguments; the host and qemu-user as oracles) for each
    family program that has no test of its own name and is not in
    `no_default`. Call it last in the BUILD file."""
    for src in _family_sources():
        name = src.split("/")[-1][:-2]
        if name in no_default or native.existing_rule(name + "_aarch64") or native.existing_rule(name + "_riscv64"):
            continue
        guest_test(name = name, program = name)
