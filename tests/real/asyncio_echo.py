# asyncio under emulation: echo servers on TCP and a Unix socket with
# concurrent clients (epoll through the selector event loop), a UDP
# endpoint, timers and timeouts, run_in_executor's worker threads, and
# loop.add_signal_handler (signal.set_wakeup_fd on a socketpair).
import asyncio
import os
import signal
import sys
import tempfile


async def handle(reader, writer):
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(opener, n):
    reader, writer = await opener()
    total = 0
    for k in range(10):
        line = f"client {n} line {k} {'x' * (k * 37)}\n".encode()
        writer.write(line)
        await writer.drain()
        back = await reader.readline()
        if back != line:
            return f"client {n}: mismatch at {k}"
        total += len(back)
    big = os.urandom(1 << 14).hex().encode() + b"\n"  # under readline's 64 KiB limit
    writer.write(big)
    back = await reader.readexactly(len(big))
    writer.close()
    await writer.wait_closed()
    return f"client {n}: {total} bytes, big echo equal {back == big}"


async def echo_servers(tmp):
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    results = await asyncio.gather(*(client(lambda: asyncio.open_connection("127.0.0.1", port), n) for n in range(4)))
    print("tcp:", *results, sep="\n  ")
    server.close()
    await server.wait_closed()

    path = os.path.join(tmp, "echo.sock")
    userver = await asyncio.start_unix_server(handle, path)
    results = await asyncio.gather(*(client(lambda: asyncio.open_unix_connection(path), n) for n in range(2)))
    print("unix:", *results, sep="\n  ")
    userver.close()
    await userver.wait_closed()
    try:
        await asyncio.open_connection("127.0.0.1", 1)
    except ConnectionRefusedError as e:
        print("refused:", e.errno)


class Upper(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data.upper(), addr)


class Collect(asyncio.DatagramProtocol):
    def __init__(self):
        self.got = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.got.put_nowait(data)


async def udp():
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(Upper, local_addr=("127.0.0.1", 0))
    addr = server.get_extra_info("sockname")
    transport, proto = await loop.create_datagram_endpoint(Collect, remote_addr=addr)
    for m in (b"ping", b"two words"):
        transport.sendto(m)
        print("udp:", await asyncio.wait_for(proto.got.get(), 5))
    transport.close()
    server.close()


async def timers():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.sleep(0.05)
    print("sleep 50ms took >= 50ms:", loop.time() - start >= 0.05)
    order = []
    base = loop.time()  # one base, so a stall between the calls cannot reorder them
    for delay in (0.03, 0.01, 0.02):
        loop.call_at(base + delay, order.append, delay)
    await asyncio.sleep(0.08)
    print("call_at order:", order)
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.05)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    results = await asyncio.gather(*(loop.run_in_executor(None, sum, range(n * 100000)) for n in range(1, 5)))
    print("executor sums:", results)


async def signals():
    loop = asyncio.get_running_loop()
    got = asyncio.Queue()
    for sig in (signal.SIGUSR1, signal.SIGUSR2):
        loop.add_signal_handler(sig, got.put_nowait, sig.name)
    os.kill(os.getpid(), signal.SIGUSR1)
    print("signal handler:", await asyncio.wait_for(got.get(), 5))
    loop.call_later(0.02, os.kill, os.getpid(), signal.SIGUSR2)
    print("signal while waiting:", await asyncio.wait_for(got.get(), 5))
    print("removed:", loop.remove_signal_handler(signal.SIGUSR1))


async def main():
    with tempfile.TemporaryDirectory() as tmp:
        await echo_servers(tmp)
    await udp()
    await timers()
    await signals()


asyncio.run(main())
print("loop:", type(asyncio.new_event_loop()._selector).__name__ if sys.platform == "linux" else "?")
