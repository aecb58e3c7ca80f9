#include "vfs/sysroot.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace ferry {
namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

// Appends the components of `path` to `stack` so that the first is on top.
void PushComponents(const std::string& path, std::vector<std::string>* stack) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  stack->insert(stack->end(), parts.rbegin(), parts.rend());
}

bool StartsWithDir(const std::string& path, const char* dir) {
  std::string d(dir);
  return path == d || path.compare(0, d.size() + 1, d + "/") == 0;
}

}  // namespace

bool IsHostOnlyPath(const std::string& path) {
  return path.find_first_not_of('/') == std::string::npos || StartsWithDir(path, "/proc") ||
         StartsWithDir(path, "/dev") || StartsWithDir(path, "/sys");
}

std::string Sysroot::GuestView(const std::string& host_path) const {
  if (prefix_.empty() || host_path.compare(0, prefix_.size(), prefix_) != 0) return host_path;
  if (host_path.size() == prefix_.size()) return "/";
  if (host_path[prefix_.size()] != '/') return host_path;
  return host_path.substr(prefix_.size());
}

std::string Sysroot::Resolve(const std::string& path, bool follow_last) const {
  if (prefix_.empty() || path.empty() || path[0] != '/' || IsHostOnlyPath(path)) return path;
  std::vector<std::string> todo;
  PushComponents(path, &todo);
  std::string done;  // resolved so far, relative to the sysroot ("" is its root)
  int links = 0;
  // Where the host kernel itself would be after the last absolute link
  // followed: its target and the components still to go. A link into the
  // host (Bazel's sandbox makes every declared file one) leads there when
  // the target is not in the sysroot.
  std::string host_view;
  auto not_in_sysroot = [&] {
    struct stat st;
    return !host_view.empty() && lstat(host_view.c_str(), &st) == 0 ? host_view : path;
  };
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      done.erase(done.empty() ? 0 : done.rfind('/'));
      continue;
    }
    std::string next = done + "/" + part;
    std::string host = prefix_ + next;
    struct stat st;
    if (lstat(host.c_str(), &st) != 0) return not_in_sysroot();  // not in the sysroot: the host's
    if (S_ISLNK(st.st_mode) && (follow_last || !todo.empty())) {
      if (++links > kMaxSymlinks) return path;
      char target[PATH_MAX];
      ssize_t n = readlink(host.c_str(), target, sizeof target - 1);
      if (n <= 0) return path;
      target[n] = '\0';
      if (target[0] == '/') {
        done.clear();
        host_view = target;
        for (auto it = todo.rbegin(); it != todo.rend(); ++it) host_view += "/" + *it;
      }
      PushComponents(target, &todo);
      continue;
    }
    done = std::move(next);
  }
  return prefix_ + done;
}

}  // namespace ferry
