// doctest runner: under `bazel test` it writes JUnit XML where Bazel asks
// (XML_OUTPUT_FILE), so tools/test can count individual test cases.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  const char* xml = std::getenv("XML_OUTPUT_FILE");
  if (xml && *xml) {
    // Console result first, then the same run's JUnit report for the counter.
    int console = context.run();
    doctest::Context junit;
    junit.applyCommandLine(argc, argv);
    junit.setOption("reporters", "junit");
    junit.setOption("out", xml);
    int report = junit.run();
    return console | report;
  }
  return context.run();
}
