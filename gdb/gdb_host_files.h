// vFile: gdb reads the guest's files (the program, its libraries) through
// the stub, by the guest's paths: resolved through the sysroot, read-only.
// gdb holds its own numbers for the files it opens; this maps them to ours.
#pragma once

#include <map>
#include <string>

namespace ferry {

class Task;

class GdbHostFiles {
 public:
  GdbHostFiles() = default;
  ~GdbHostFiles() { CloseAll(); }
  GdbHostFiles(const GdbHostFiles&) = delete;
  GdbHostFiles& operator=(const GdbHostFiles&) = delete;

  // Serves one "vFile:OP:ARGS" packet (setfs, open, pread, fstat, close,
  // readlink) and returns its F reply; "" for an operation we lack.
  std::string Serve(const Task& task, const std::string& packet);
  // The client went away: its files go with it.
  void CloseAll();

 private:
  std::string Open(const Task& task, const std::string& args);
  std::string Readlink(const Task& task, const std::string& args);
  std::string Pread(int fd, const std::string& args, size_t pos);
  static std::string Fstat(int fd);

  std::map<int, int> files_;  // gdb's number -> our descriptor
};

}  // namespace ferry
