#include "trace/strace_ioctl.h"

#include <net/if.h>
#include <sys/ioctl.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "trace/flag_names.h"
#include "trace/strace_text.h"

namespace ferry {
namespace {

using strace_text::Bits;
using strace_text::Enum;
using strace_text::Hex;
using strace_text::Pointer;

// struct ifreq: the name (16 bytes), then a 24-byte union; the same on the guests and the host.
constexpr uint64_t kIfreqSize = sizeof(struct ifreq);
static_assert(kIfreqSize == 40);
constexpr uint64_t kUnionAt = IFNAMSIZ;

std::string IfName(const char (&name)[IFNAMSIZ]) { return QuoteBytes(name, strnlen(name, IFNAMSIZ), IFNAMSIZ); }

// The union member a request reads or fills, as strace names it ("" for none).
std::string IfreqMember(const DecodeContext& ctx, uint32_t request, uint64_t g, const struct ifreq& ifr) {
  auto address = [&](const char* field) {
    return std::string(field) + "=" + SockaddrArg(ctx, g + kUnionAt, sizeof(struct sockaddr));
  };
  switch (request) {
    case SIOCGIFADDR: case SIOCSIFADDR: return address("ifr_addr");
    case SIOCGIFDSTADDR: case SIOCSIFDSTADDR: return address("ifr_dstaddr");
    case SIOCGIFBRDADDR: case SIOCSIFBRDADDR: return address("ifr_broadaddr");
    case SIOCGIFNETMASK: case SIOCSIFNETMASK: return address("ifr_netmask");
    case SIOCGIFHWADDR: case SIOCSIFHWADDR: {
      const unsigned char* data = reinterpret_cast<const unsigned char*>(ifr.ifr_hwaddr.sa_data);
      char mac[32];
      snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", data[0], data[1], data[2], data[3], data[4],
               data[5]);
      return "ifr_hwaddr={sa_family=" + Enum(ifr.ifr_hwaddr.sa_family, HardwareTypeNames(), "ARPHRD_???") +
             ", sa_data=" + mac + "}";
    }
    case SIOCGIFFLAGS: case SIOCSIFFLAGS:
      return "ifr_flags=" + Bits(static_cast<uint16_t>(ifr.ifr_flags), InterfaceFlagNames());
    case SIOCGIFMETRIC: case SIOCSIFMETRIC: return "ifr_metric=" + std::to_string(ifr.ifr_metric);
    case SIOCGIFMTU: case SIOCSIFMTU: return "ifr_mtu=" + std::to_string(ifr.ifr_mtu);
    case SIOCGIFTXQLEN: case SIOCSIFTXQLEN: return "ifr_qlen=" + std::to_string(ifr.ifr_qlen);
    case SIOCGIFINDEX: return "ifr_ifindex=" + std::to_string(ifr.ifr_ifindex);
    case SIOCSIFNAME: return "ifr_newname=" + IfName(ifr.ifr_newname);
    default: return "";
  }
}

bool IsIfreqRequest(uint32_t request) {
  switch (request) {
    case SIOCGIFNAME: case SIOCGIFADDR: case SIOCSIFADDR: case SIOCGIFDSTADDR: case SIOCSIFDSTADDR:
    case SIOCGIFBRDADDR: case SIOCSIFBRDADDR: case SIOCGIFNETMASK: case SIOCSIFNETMASK:
    case SIOCGIFHWADDR: case SIOCSIFHWADDR: case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFMETRIC:
    case SIOCSIFMETRIC: case SIOCGIFMTU: case SIOCSIFMTU: case SIOCGIFTXQLEN: case SIOCSIFTXQLEN:
    case SIOCGIFINDEX: case SIOCSIFNAME:
      return true;
    default:
      return false;
  }
}

// strace's print_ifreq: a get request shows the name it was given, then (if
// it succeeded) what it got; SIOCGIFNAME the other way round; a set request
// the name and the value it sets.
std::string Ifreq(const ArgView& a, uint32_t request) {
  struct ifreq ifr;
  if (!a.v || !a.ctx.memory.Read(a.v, &ifr, sizeof ifr)) return Pointer(a.v);
  if (request == SIOCGIFNAME) {
    std::string out = "{ifr_ifindex=" + std::to_string(ifr.ifr_ifindex);
    if (a.done) out += ", ifr_name=" + IfName(ifr.ifr_name);
    return out + "}";
  }
  std::string out = "{ifr_name=" + IfName(ifr.ifr_name);
  bool is_set = request == SIOCSIFADDR || request == SIOCSIFDSTADDR || request == SIOCSIFBRDADDR ||
                request == SIOCSIFNETMASK || request == SIOCSIFHWADDR || request == SIOCSIFFLAGS ||
                request == SIOCSIFMETRIC || request == SIOCSIFMTU || request == SIOCSIFTXQLEN ||
                request == SIOCSIFNAME;
  if (is_set || a.done) {
    std::string member = IfreqMember(a.ctx, request, a.v, ifr);
    if (!member.empty()) out += ", " + member;
  }
  return out + "}";
}

// "320 /* 8 * sizeof(struct ifreq) */", as strace shows an ifc_len.
std::string IfcLen(int32_t len) {
  std::string out = std::to_string(len);
  if (len > 0 && len % kIfreqSize == 0) out += " /* " + std::to_string(len / kIfreqSize) + " * sizeof(struct ifreq) */";
  return out;
}

// strace's decode_ifconf: the length given "=>" the length filled, and the entries.
std::string Ifconf(const ArgView& a) {
  struct {
    int32_t len;
    uint32_t pad;
    uint64_t buf;
  } ifc;
  if (!a.v || !a.ctx.memory.Read(a.v, &ifc, sizeof ifc)) return Pointer(a.v);
  if (!ifc.buf) return "{ifc_len=" + IfcLen(a.done ? ifc.len : a.ctx.ifc_len_before) + ", ifc_buf=NULL}";
  std::string out = "{ifc_len=" + IfcLen(a.ctx.ifc_len_before);
  if (!a.done) return out + ", ifc_buf=" + Pointer(ifc.buf) + "}";
  out += " => " + IfcLen(ifc.len) + ", ifc_buf=[";
  for (int32_t k = 0; k < ifc.len / static_cast<int32_t>(kIfreqSize); ++k) {
    uint64_t entry = ifc.buf + k * kIfreqSize;
    struct ifreq ifr;
    if (!a.ctx.memory.Read(entry, &ifr, sizeof ifr)) {
      out += (k ? ", " : "") + Pointer(entry);
      break;
    }
    out += (k ? ", " : "") + std::string("{ifr_name=") + IfName(ifr.ifr_name) + ", " +
           IfreqMember(a.ctx, SIOCGIFADDR, entry, ifr) + "}";
  }
  return out + "]}";
}

}  // namespace

std::string IoctlArg(const ArgView& a) {
  uint32_t request = static_cast<uint32_t>(a.raw[a.i - 1]);
  if (request == SIOCGIFCONF) return Ifconf(a);
  if (IsIfreqRequest(request)) return Ifreq(a, request);
  return Hex(a.v);
}

}  // namespace ferry
