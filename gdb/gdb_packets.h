// The gdb remote protocol's wire layer: $payload#checksum framing, '+'/'-'
// acknowledgements, '}' escapes and the bare 0x03 that asks for a stop.
// It knows nothing of what the packets mean (gdb_requests.h does).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ferry {

// What we announce in qSupported and the most a reply carries: gdb splits
// larger reads (m, qXfer, vFile:pread) to fit.
constexpr size_t kGdbPacketSize = 0x4000;

// Hex as the protocol writes it: lowercase, two digits a byte.
std::string GdbHex(const void* data, size_t len);
// A number without leading zeros ("1f"), as in thread ids and lengths.
std::string GdbNumber(uint64_t value);
// Exactly two digits: checksums, signal numbers in stop replies.
std::string GdbByte(uint8_t value);
// Hex pairs to bytes; false on an odd length or a non-hex digit.
bool GdbFromHex(const std::string& text, std::string* bytes);
// A hex number (at most 16 digits) at *pos, advancing it; false when there is none.
bool GdbParseHex(const std::string& text, size_t* pos, uint64_t* value);
// GdbParseHex, then `separator` (if not 0) after it: "ADDR," "LEN:" in m/M/X/Z.
bool GdbParseHexThen(const std::string& text, size_t* pos, uint64_t* value, char separator);

// The checksum of a payload as it stands between '$' and '#'.
uint8_t GdbChecksum(const std::string& framed_body);
// "$" + escaped payload + "#xx": '$', '#', '}' and '*' are escaped so that
// gdb never reads our data as framing or as a run-length marker.
std::string GdbFrame(const std::string& payload);
// Undoes GdbFrame's escapes. Run-length encoding is only ever sent by stubs,
// so the client's packets never need expanding.
std::string GdbUnescape(const std::string& body);

// Takes the next complete unit from the front of *input: a packet (its
// payload in *payload), a 0x03 interrupt, or a packet whose checksum is
// wrong. Bytes before a '$' (stray acks, noise) are dropped with it.
enum class GdbUnit { kIncomplete, kPacket, kInterrupt, kBadChecksum };
GdbUnit GdbTakeUnit(std::string* input, std::string* payload);

// One client connection: the socket, the bytes read ahead of the packet
// being served, and whether acknowledgements are still exchanged.
class GdbPacketChannel {
 public:
  GdbPacketChannel() = default;
  ~GdbPacketChannel() { Close(); }
  GdbPacketChannel(const GdbPacketChannel&) = delete;
  GdbPacketChannel& operator=(const GdbPacketChannel&) = delete;

  // A new connection starts in ack mode with nothing read ahead.
  void Open(int fd);
  void Close();
  // Other threads ask whether gdb is attached, hence atomic.
  int fd() const { return fd_.load(); }
  bool open() const { return fd_.load() >= 0; }

  // The next packet's payload, or "\x03" for an interrupt. Acknowledges
  // each packet ('-' asks gdb to send a corrupted one again).
  // False: the client is gone.
  bool Read(std::string* payload);
  // Sends a packet and, in ack mode, waits (5 s at most) for its '+',
  // sending it again on '-' (three tries). False: the client is gone or
  // never answered; the caller disconnects. Nothing to do when closed.
  bool Send(const std::string& payload);
  // After QStartNoAckMode's "OK" has been acknowledged.
  void StopAcks() { no_ack_ = true; }

 private:
  bool WriteAll(const std::string& data);
  // Waits for the answer to a sent packet: '+', '-' or anything else.
  bool ReadAck(char* ack);

  std::atomic<int> fd_{-1};
  bool no_ack_ = false;
  std::string pending_;
};

}  // namespace ferry
