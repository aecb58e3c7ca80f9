#include "gdb/gdb_packets.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace ferry {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A client that never acknowledges is gone for our purposes.
constexpr int kAckTimeoutMs = 5000;
constexpr int kSendTries = 3;

}  // namespace

std::string GdbHex(const void* data, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string GdbNumber(uint64_t value) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string GdbByte(uint8_t value) { return GdbHex(&value, 1); }

bool GdbFromHex(const std::string& text, std::string* bytes) {
  if (text.size() % 2) return false;
  bytes->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

bool GdbParseHex(const std::string& text, size_t* pos, uint64_t* value) {
  size_t start = *pos;
  *value = 0;
  while (*pos < text.size() && HexDigit(text[*pos]) >= 0 && *pos - start < 16) {
    *value = *value << 4 | HexDigit(text[*pos]);
    ++*pos;
  }
  return *pos > start;
}

bool GdbParseHexThen(const std::string& text, size_t* pos, uint64_t* value, char separator) {
  if (!GdbParseHex(text, pos, value)) return false;
  if (separator == 0) return true;
  if (*pos >= text.size() || text[*pos] != separator) return false;
  ++*pos;
  return true;
}

uint8_t GdbChecksum(const std::string& framed_body) {
  uint8_t sum = 0;
  for (char c : framed_body) sum += static_cast<uint8_t>(c);
  return sum;
}

std::string GdbFrame(const std::string& payload) {
  std::string body;
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      body += '}';
      body += static_cast<char>(c ^ 0x20);
    } else {
      body += c;
    }
  }
  return "$" + body + "#" + GdbByte(GdbChecksum(body));
}

std::string GdbUnescape(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '}' && i + 1 < body.size()) out += static_cast<char>(body[++i] ^ 0x20);
    else out += body[i];
  }
  return out;
}

GdbUnit GdbTakeUnit(std::string* input, std::string* payload) {
  size_t start = input->find_first_of("$\x03");
  if (start == std::string::npos) return GdbUnit::kIncomplete;
  if ((*input)[start] == '\x03') {
    input->erase(0, start + 1);
    return GdbUnit::kInterrupt;
  }
  size_t hash = input->find('#', start);
  if (hash == std::string::npos || input->size() < hash + 3) return GdbUnit::kIncomplete;
  std::string body = input->substr(start + 1, hash - start - 1);
  int hi = HexDigit((*input)[hash + 1]), lo = HexDigit((*input)[hash + 2]);
  input->erase(0, hash + 3);
  if (hi < 0 || lo < 0 || (hi << 4 | lo) != GdbChecksum(body)) return GdbUnit::kBadChecksum;
  *payload = GdbUnescape(body);
  return GdbUnit::kPacket;
}

void GdbPacketChannel::Open(int fd) {
  Close();
  fd_ = fd;
  no_ack_ = false;
  pending_.clear();
}

void GdbPacketChannel::Close() {
  int fd = fd_.exchange(-1);
  if (fd >= 0) close(fd);
}

bool GdbPacketChannel::Read(std::string* payload) {
  for (;;) {
    switch (GdbTakeUnit(&pending_, payload)) {
      case GdbUnit::kInterrupt:
        *payload = "\x03";
        return true;
      case GdbUnit::kBadChecksum:
        if (!no_ack_ && write(fd(), "-", 1) < 0) return false;  // ask again
        continue;
      case GdbUnit::kPacket:
        return no_ack_ || write(fd(), "+", 1) >= 0;
      case GdbUnit::kIncomplete:
        break;
    }
    if (pending_.size() > 4 * kGdbPacketSize) pending_.clear();  // garbage
    char buf[4096];
    ssize_t n = read(fd(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    pending_.append(buf, n);
  }
}

bool GdbPacketChannel::WriteAll(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += n;
  }
  return true;
}

bool GdbPacketChannel::ReadAck(char* ack) {
  pollfd pfd = {fd(), POLLIN, 0};
  int ready;
  do {
    ready = poll(&pfd, 1, kAckTimeoutMs);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  ssize_t n;
  do {
    n = read(fd(), ack, 1);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

bool GdbPacketChannel::Send(const std::string& payload) {
  if (!open()) return true;
  std::string framed = GdbFrame(payload);
  for (int attempt = 0; attempt < kSendTries; ++attempt) {
    if (!WriteAll(framed)) return false;
    if (no_ack_) return true;
    char ack;
    if (!ReadAck(&ack)) return false;
    if (ack == '\x03') pending_ += '\x03';  // Ctrl-C in place of the ack: served next
    if (ack != '-') return true;  // '+', or anything else: taken as acknowledged
  }
  return true;
}

}  // namespace ferry
