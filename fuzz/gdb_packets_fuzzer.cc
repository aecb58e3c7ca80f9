// Bytes from a gdb client, as the stub's channel takes them: framing,
// checksums, escapes and interrupts (GdbTakeUnit), then the payload's
// hex fields as the m/M/X/Z handlers parse them.
#include <cstdint>
#include <string>

#include "gdb/gdb_packets.h"

namespace {

// The shapes of request arguments: "ADDR,LEN", "ADDR,LEN:DATA" and hex bytes.
void ParseFields(const std::string& payload) {
  size_t pos = 1;
  uint64_t addr = 0, len = 0;
  if (ferry::GdbParseHexThen(payload, &pos, &addr, ',') && ferry::GdbParseHexThen(payload, &pos, &len, ':')) {
    std::string bytes;
    ferry::GdbFromHex(payload.substr(pos), &bytes);
    if (ferry::GdbHex(bytes.data(), bytes.size()).size() != 2 * bytes.size()) abort();
  }
  pos = 0;
  ferry::GdbParseHex(payload, &pos, &addr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string payload;
  for (;;) {
    size_t before = input.size();
    ferry::GdbUnit unit = ferry::GdbTakeUnit(&input, &payload);
    if (unit == ferry::GdbUnit::kIncomplete) break;
    if (input.size() >= before) abort();  // every unit taken consumes input: no endless loop
    if (unit != ferry::GdbUnit::kPacket) continue;
    ParseFields(payload);
    // What we send is read back as sent: framing round-trips.
    std::string framed = ferry::GdbFrame(payload), back;
    if (ferry::GdbTakeUnit(&framed, &back) != ferry::GdbUnit::kPacket || back != payload || !framed.empty()) {
      abort();
    }
  }
  return 0;
}
