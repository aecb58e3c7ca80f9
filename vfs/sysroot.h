// A guest sysroot (-L), as qemu-user's: an absolute guest path names the file
// under the sysroot when it exists there, else the host's own file. Symlinks
// met on the way resolve inside the sysroot, as they would in a chroot, so an
// unpacked Debian tree's absolute links work; an absolute link whose target
// is not in the sysroot but is on the host leads to the host's file, as the
// host kernel would follow it (Bazel's sandbox makes each file of a declared
// sysroot such a link).
#pragma once

#include <string>

namespace ferry {

class Sysroot {
 public:
  Sysroot() = default;
  explicit Sysroot(std::string prefix) : prefix_(std::move(prefix)) {}

  bool empty() const { return prefix_.empty(); }
  const std::string& prefix() const { return prefix_; }

  // The host path for guest `path`. `follow_last`: a final symlink is followed
  // (open, stat) rather than named (lstat, readlink).
  std::string Resolve(const std::string& path, bool follow_last = true) const;
  // The guest's name for a host path: inside the sysroot, without its
  // prefix (so /proc and readlink do not show where the sysroot lives).
  std::string GuestView(const std::string& host_path) const;

 private:
  std::string prefix_;
};

// True for paths ferry never redirects: the root itself and the kernel's
// own trees (/proc, /dev, /sys).
bool IsHostOnlyPath(const std::string& path);

}  // namespace ferry
