"""ferry_cross_test: a C test program cross compiled for a guest arch and run
under ferry as an ordinary Bazel test, so Bazel's caching, parallelism and
remote execution apply to it as to any other test.

Bazel 4.2.3 here has no cross C++ toolchain, so a genrule calls Debian's cross
compiler directly (as //tests/guest does), and an sh_test runs the result
under //tools:ferry. Static linking is the default: a static guest needs no
sysroot, so the test runs on any x86_64 Linux executor; only the genrules need
the cross compiler (gcc-aarch64-linux-gnu / gcc-riscv64-linux-gnu).

The test is hermetic: ferry, the program, its stdin and (for a dynamically
linked program) the guest's sysroot are declared inputs, and the runner uses
only bash's builtins and empties PATH before it runs ferry, so a test needs
nothing of the executor beyond /bin/bash and the kernel. A dynamically
linked program gets a sysroot of its own (ferry_cross_sysroot: the dynamic
loader and the libraries named in `libs`, copied from Debian's cross
sysroot at build time) through ferry's -L.

    load("//examples/bazel:defs.bzl", "ferry_cross_test")

    ferry_cross_test(
        name = "args_aarch64",
        arch = "aarch64",
        srcs = ["args_test.c"],
        args = ["two words", ""],
        env = {"GREETING": "hello"},
    )
"""

CROSS_CC = {
    "aarch64": "aarch64-linux-gnu-gcc",
    "riscv64": "riscv64-linux-gnu-gcc",
}

# The guest's dynamic loader, by its path under the sysroot.
LOADER = {
    "aarch64": "lib/ld-linux-aarch64.so.1",
    "riscv64": "lib/ld-linux-riscv64-lp64d.so.1",
}

_RUNNER = "//examples/bazel:run_under_ferry.sh"
_FERRY = "//tools:ferry"

def _shell_quote(s):
    """Test args are make-variable expanded, then split like a shell would."""
    return "'" + s.replace("$", "$$").replace("'", "'\\''") + "'"

def ferry_cross_binary(name, srcs, arch, hdrs = [], copts = [], linkopts = [], static = True, **kwargs):
    """Cross compiles C sources into one guest executable.

    Args:
      name: the output file (the genrule is <name>_build).
      srcs: C sources; their .c files are compiled and linked.
      arch: "aarch64" or "riscv64".
      hdrs: headers the sources include; each one's directory is on the
        include path.
      copts: extra compiler flags.
      linkopts: extra linker flags.
      static: link statically (no sysroot needed at run time).
      **kwargs: passed to the genrule (visibility, testonly, tags, ...).
    """
    if arch not in CROSS_CC:
        fail("arch must be one of %s, not '%s'" % (sorted(CROSS_CC.keys()), arch))
    includes = []
    for h in hdrs:
        flag = "-I$$(dirname $(location %s))" % h
        if flag not in includes:
            includes.append(flag)
    sources = ["$(location %s)" % s for s in srcs if s.endswith(".c")]
    native.genrule(
        name = name + "_build",
        srcs = srcs + hdrs,
        outs = [name],
        cmd = " ".join(
            [CROSS_CC[arch], "-O2", "-Wall"] + copts + includes +
            ["-o", "$@"] + sources + (["-static"] if static else []) + linkopts,
        ),
        message = "Cross compiling %s for %s" % (name, arch),
        **kwargs
    )

def _ferry_cross_sysroot_impl(ctx):
    arch = ctx.attr.arch
    if arch not in LOADER:
        fail("arch must be one of %s, not '%s'" % (sorted(LOADER.keys()), arch))
    out = ctx.actions.declare_directory(ctx.label.name)
    files = [LOADER[arch]] + ["lib/" + lib for lib in ctx.attr.libs]
    ctx.actions.run_shell(
        outputs = [out],
        command = " && ".join(["mkdir -p %s/lib" % out.path] + [
            "cp -L /usr/%s-linux-gnu/%s %s/%s" % (arch, f, out.path, f)
            for f in files
        ]),
        mnemonic = "FerrySysroot",
        progress_message = "Copying the %s sysroot's %s" % (arch, ", ".join(files)),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

# A guest sysroot as one declared directory holding lib/<loader> and
# lib/<each of libs>, copied from Debian's cross sysroot (/usr/<arch>-linux-gnu)
# at build time, so a test that runs a dynamically linked guest with
# `ferry -L $(location :sysroot)` declares every file the guest loads. A
# directory rather than single files: runfiles are symlinks to absolute
# paths, which ferry would (rightly) resolve inside the sysroot; the
# directory's own symlink is resolved once, when ferry takes -L.
ferry_cross_sysroot = rule(
    implementation = _ferry_cross_sysroot_impl,
    attrs = {
        "arch": attr.string(mandatory = True),
        "libs": attr.string_list(default = ["libc.so.6"]),
    },
)

def ferry_cross_test(
        name,
        srcs,
        arch,
        args = [],
        env = {},
        hdrs = [],
        copts = [],
        linkopts = [],
        static = True,
        libs = ["libc.so.6"],
        status = 0,
        stdin = None,
        stdout = "",
        **kwargs):
    """A guest test program, cross compiled and run under ferry.

    Builds `srcs` for `arch` into <name>.bin (see ferry_cross_binary) and
    runs `ferry -E K=V... <name>.bin ARGS... < stdin` in an sh_test.

    Args:
      name: the test.
      srcs: C sources of the test program.
      arch: "aarch64" or "riscv64".
      args: the program's arguments, passed as given (no shell expansion).
      env: variables set in the guest's environment (with ferry -E).
      hdrs: headers the sources include.
      copts: extra compiler flags.
      linkopts: extra linker flags.
      static: link statically; False links against Debian's cross sysroot
        (/usr/<arch>-linux-gnu) and runs with a declared copy of its loader
        and libc (ferry_cross_sysroot) as ferry's -L.
      libs: with static = False, the shared libraries the program loads.
      status: the exit status the test expects.
      stdin: a file label for standard input (default: /dev/null).
      stdout: if set, an extended regular expression some line of standard
        output must match.
      **kwargs: passed to the sh_test (size, timeout, tags, flaky, ...).
    """
    binary = name + ".bin"
    ferry_cross_binary(
        name = binary,
        srcs = srcs,
        arch = arch,
        hdrs = hdrs,
        copts = copts,
        linkopts = linkopts,
        static = static,
        testonly = True,
    )
    data = [_FERRY, ":" + binary]
    sysroot_opts = []
    if not static:
        ferry_cross_sysroot(name = name + "_sysroot", arch = arch, libs = libs, testonly = True)
        data.append(":%s_sysroot" % name)
        sysroot_opts = ["-L", "$(location :%s_sysroot)" % name]
        # linux-sandbox lays a directory input out as symlinks to absolute
        # host paths: ferry follows a sysroot link whose target is not in
        # the sysroot to the host's file (vfs/sysroot.h), so this runs
        # sandboxed too.
    stdin_arg = "/dev/null"
    if stdin:
        data.append(stdin)
        stdin_arg = "$(location %s)" % stdin

    # ferry's -E sets the guest's environment, whatever the test runner's is.
    env_opts = []
    for k, v in sorted(env.items()):
        env_opts += ["-E", _shell_quote("%s=%s" % (k, v))]
    native.sh_test(
        name = name,
        srcs = [_RUNNER],
        args = [
            "$(location %s)" % _FERRY,
            "$(location :%s)" % binary,
            str(status),
            stdin_arg,
            _shell_quote(stdout),
        ] + sysroot_opts + env_opts + ["--"] + [_shell_quote(a) for a in args],
        data = data,
        **kwargs
    )
