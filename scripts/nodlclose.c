/*
 * Preloaded (with the sanitizer runtimes) by the TORCH_SANITIZE test
 * environment.  LuaJIT dlclose()s C modules when the Lua state closes, before
 * LeakSanitizer runs at exit; memory still referenced from an unloaded
 * library's globals then shows up as leaked from "<unknown module>".  Keeping
 * every shared object mapped makes leak reports accurate and symbolized.
 */
int dlclose(void *handle);

int dlclose(void *handle)
{
  (void)handle;
  return 0;
}
