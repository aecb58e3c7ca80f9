"""ferry_fuzzer: one libFuzzer target and the test that keeps it alive.

ferry_fuzzer(name = "foo", ...) makes
  :foo        the fuzzer: under --config=fuzz (clang, libFuzzer, ASan, UBSan)
              libFuzzer's main; otherwise replay_main, which runs inputs once;
  :foo_corpus a test that runs foo_fuzzer.cc over corpus/foo (the seeds and
              every crash fixed so far) with replay_main, in any config.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def ferry_fuzzer(name, deps):
    cc_library(
        name = name + "_target",
        srcs = [name + "_fuzzer.cc"],
        # runtime/ calls into syscalls/ (FinishSigreturn and the like), which
        # a binary with no syscalls/ of its own would leave undefined.
        deps = deps + ["//syscalls"],
        alwayslink = True,
        testonly = True,
    )
    cc_binary(
        name = name,
        testonly = True,
        deps = [":" + name + "_target"] + select({
            "//fuzz:libfuzzer": [],
            "//conditions:default": [":replay_main"],
        }),
        linkopts = select({
            "//fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    cc_test(
        name = name + "_corpus",
        size = "small",
        deps = [":" + name + "_target", ":replay_main"],
        args = ["fuzz/corpus/" + name],
        data = native.glob(["corpus/" + name + "/**"]),
    )
