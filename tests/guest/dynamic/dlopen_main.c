/* dlopen_main.c: dlopen a shared library built beside the program
   ($ORIGIN), with a constructor, dlsym of functions and data, a call back
   into the program through a function pointer, dlclose, and dlerror for a
   library that does not exist. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#if defined(__aarch64__)
#define ARCH "aarch64"
#elif defined(__riscv)
#define ARCH "riscv64"
#else
#define ARCH "native"
#endif

static int square(int x) { return x * x; }

int main(void) {
  void *h = dlopen("$ORIGIN/libdlopen_plugin." ARCH ".so", RTLD_NOW | RTLD_LOCAL);
  check(h != NULL, "dlopen of the plugin beside the program%s%s", h ? "" : ": ", h ? "" : dlerror());
  if (!h) return 1;
  int (*constructed)(void) = (int (*)(void))dlsym(h, "plugin_constructed");
  int (*apply)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(h, "plugin_apply");
  const char *(*name)(void) = (const char *(*)(void))dlsym(h, "plugin_name");
  int *counter = (int *)dlsym(h, "plugin_counter");
  check(constructed && apply && name && counter, "dlsym finds three functions and a variable");
  check(constructed && constructed() == 42, "the plugin's constructor ran at dlopen");
  check(apply && apply(square, 3) == 9 + 16, "the plugin calls back through a function pointer");
  check(counter && *counter == 7, "the plugin's data is initialised");
  check(name && strcmp(name(), "plugin") == 0, "a string from the plugin");
  check(dlsym(h, "no_such_symbol") == NULL, "dlsym of a missing symbol fails");
  check(dlclose(h) == 0, "dlclose");
  void *missing = dlopen("libferry_does_not_exist.so", RTLD_NOW);
  const char *err = missing ? "" : dlerror();
  check(missing == NULL && strstr(err, "cannot open shared object file") != NULL,
        "dlopen of a missing library fails with the loader's message");
  printf("%d failure(s)\n", failures);
  return failures != 0;
}
