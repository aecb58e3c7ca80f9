// The gdb wire layer on its own: checksums, escapes, framing of partial and
// corrupted input, and the ack exchange over a socketpair (no Process).
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gdb/gdb_packets.h"

namespace ferry {
namespace {

// Everything the peer has written so far (the channel's acks and packets).
std::string Drain(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) out.append(buf, n);
  return out;
}

void Put(int fd, const std::string& bytes) { REQUIRE(write(fd, bytes.data(), bytes.size()) == (ssize_t)bytes.size()); }

// A channel on one end of a socketpair; the test plays gdb on the other.
struct Connected {
  Connected() {
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    channel.Open(fds[0]);  // the channel closes it
  }
  ~Connected() { close(fds[1]); }
  int gdb() const { return fds[1]; }
  int fds[2];
  GdbPacketChannel channel;
};

TEST_CASE("checksums are the byte sum modulo 256, in two lowercase digits") {
  CHECK(GdbChecksum("") == 0);
  CHECK(GdbChecksum("OK") == 0x9a);
  CHECK(GdbFrame("OK") == "$OK#9a");
  CHECK(GdbFrame("") == "$#00");
  CHECK(GdbFrame(std::string(256, '\x01')) == "$" + std::string(256, '\x01') + "#00");
}

TEST_CASE("framing escapes $ # } and * and sums the escaped bytes") {
  // '*' would otherwise start a run-length repeat in gdb's reader.
  CHECK(GdbFrame("a$b") == "$a}\x04" "b#" + GdbByte(GdbChecksum("a}\x04" "b")));
  CHECK(GdbFrame("#}*") == "$}\x03}]}\x0a#" + GdbByte(GdbChecksum("}\x03}]}\x0a")));
  for (const std::string payload : {"a$b", "#}*", "plain", ""}) {
    std::string framed = GdbFrame(payload);
    CHECK(GdbUnescape(framed.substr(1, framed.size() - 4)) == payload);
  }
}

TEST_CASE("hex helpers") {
  CHECK(GdbHex("\x00\xff\x10", 3) == "00ff10");
  CHECK(GdbNumber(0) == "0");
  CHECK(GdbNumber(0x1f) == "1f");
  CHECK(GdbByte(5) == "05");
  std::string bytes;
  CHECK(GdbFromHex("00Ff10", &bytes));
  CHECK(bytes == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(GdbFromHex("abc", &bytes));
  CHECK_FALSE(GdbFromHex("zz", &bytes));
  size_t pos = 1;
  uint64_t value;
  CHECK(GdbParseHexThen("m1000,20", &pos, &value, ','));
  CHECK(value == 0x1000);
  CHECK(GdbParseHex("m1000,20", &pos, &value));
  CHECK(value == 0x20);
  pos = 0;
  CHECK_FALSE(GdbParseHexThen("12:", &pos, &value, ','));
  pos = 0;
  CHECK_FALSE(GdbParseHex(",", &pos, &value));
}

TEST_CASE("taking units from the input: partial, good, bad, interrupt") {
  std::string input = "+$qC#b4$m0,1#";
  std::string payload;
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kPacket);
  CHECK(payload == "qC");
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kIncomplete);  // checksum not there yet
  input += "fa";
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kPacket);
  CHECK(payload == "m0,1");
  CHECK(input.empty());

  input = "$qC#00$g#67";
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kBadChecksum);
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kPacket);
  CHECK(payload == "g");

  input = "$g#zz";
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kBadChecksum);

  input = "\x03$g#67";
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kInterrupt);
  CHECK(input == "$g#67");

  input = "noise";
  CHECK(GdbTakeUnit(&input, &payload) == GdbUnit::kIncomplete);
}

TEST_CASE("escaped client packets arrive unescaped") {
  std::string framed = GdbFrame("X0,1:}");  // binary write of a '}'
  std::string payload;
  CHECK(GdbTakeUnit(&framed, &payload) == GdbUnit::kPacket);
  CHECK(payload == "X0,1:}");
}

TEST_CASE("Read acknowledges good packets and asks again for bad ones") {
  Connected c;
  Put(c.gdb(), "$g#00$g#67");
  std::string payload;
  REQUIRE(c.channel.Read(&payload));
  CHECK(payload == "g");
  CHECK(Drain(c.gdb()) == "-+");

  Put(c.gdb(), "\x03");
  REQUIRE(c.channel.Read(&payload));
  CHECK(payload == "\x03");
  CHECK(Drain(c.gdb()).empty());  // an interrupt is not acknowledged

  c.channel.StopAcks();
  Put(c.gdb(), "$g#67");
  REQUIRE(c.channel.Read(&payload));
  CHECK(Drain(c.gdb()).empty());
}

TEST_CASE("Read reports a client that went away") {
  Connected c;
  shutdown(c.gdb(), SHUT_WR);
  std::string payload;
  CHECK_FALSE(c.channel.Read(&payload));
}

TEST_CASE("Send waits for '+', sends again on '-', and keeps a Ctrl-C for later") {
  Connected c;
  Put(c.gdb(), "-+");
  CHECK(c.channel.Send("OK"));
  CHECK(Drain(c.gdb()) == "$OK#9a$OK#9a");

  Put(c.gdb(), "\x03");  // Ctrl-C in place of the ack: taken as one, served next
  CHECK(c.channel.Send("OK"));
  Drain(c.gdb());
  std::string payload;
  REQUIRE(c.channel.Read(&payload));
  CHECK(payload == "\x03");

  c.channel.StopAcks();
  CHECK(c.channel.Send("S05"));  // no ack to wait for
  CHECK(Drain(c.gdb()) == "$S05#b8");
}

TEST_CASE("Send fails when gdb is gone, and does nothing when closed") {
  Connected c;
  shutdown(c.gdb(), SHUT_WR);  // the channel reads end-of-file instead of an ack
  CHECK_FALSE(c.channel.Send("OK"));
  c.channel.Close();
  CHECK_FALSE(c.channel.open());
  CHECK(c.channel.Send("OK"));
}

}  // namespace
}  // namespace ferry
