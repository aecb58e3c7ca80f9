/* dlopen_plugin.c: a shared library loaded at run time by dlopen_main.c. Its
   constructor runs at dlopen; it calls back into the program through a
   function pointer. */
static int constructed;
static int destructor_seen;

__attribute__((constructor)) static void plugin_init(void) { constructed = 42; }

int plugin_constructed(void) { return constructed; }

int plugin_apply(int (*fn)(int), int x) { return fn(x) + fn(x + 1); }

int plugin_counter = 7;

const char *plugin_name(void) { return destructor_seen ? "dirty" : "plugin"; }
