# A selectors event loop under emulation, with each of the selectors
# Python has on Linux (epoll, poll, select): a non-blocking echo server on a
# socketpair and on loopback TCP, write readiness, timeouts with nothing
# ready, and modify/unregister.
import selectors
import socket
import time


def echo_round(sel_class):
    sel = sel_class()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, "listener")
    clients = []
    for n in range(5):
        c = socket.create_connection(listener.getsockname())
        c.setblocking(False)
        clients.append(c)
    pending = {c: f"message {n} ".encode() * (n + 1) for n, c in enumerate(clients)}
    for c in clients:
        sel.register(c, selectors.EVENT_WRITE, "client")
    echoed, accepted, rounds = {}, 0, 0
    while len(echoed) < len(clients) and rounds < 1000:
        rounds += 1
        for key, events in sel.select(timeout=5):
            sock = key.fileobj
            if key.data == "listener":
                conn, _ = sock.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "server")
                accepted += 1
            elif key.data == "server":
                data = sock.recv(4096)
                if data:
                    sock.sendall(data)
                else:
                    sel.unregister(sock)
                    sock.close()
            elif events & selectors.EVENT_WRITE:
                sock.send(pending[sock])
                sel.modify(sock, selectors.EVENT_READ, "client")
            else:
                echoed[sock] = echoed.get(sock, b"") + sock.recv(4096)
                if echoed[sock] != pending[sock]:
                    del echoed[sock]
    ok = all(echoed.get(c) == pending[c] for c in clients)
    for c in clients:
        sel.unregister(c)
        c.close()
    # The server side sees each client's EOF and closes its end.
    closed = 0
    while closed < accepted and rounds < 2000:
        rounds += 1
        for key, events in sel.select(timeout=5):
            if key.data == "server" and not key.fileobj.recv(4096):
                sel.unregister(key.fileobj)
                key.fileobj.close()
                closed += 1
    start = time.monotonic()
    nothing = sel.select(timeout=0.05)
    waited = time.monotonic() - start
    sel.close()
    listener.close()
    print(f"{sel_class.__name__}: accepted {accepted}, echoes equal {ok}, closed {closed}, empty select {nothing} after >= 50ms {waited >= 0.05}")


def socketpair_round(sel_class):
    sel = sel_class()
    a, b = socket.socketpair()
    a.setblocking(False)
    sel.register(a, selectors.EVENT_READ | selectors.EVENT_WRITE)
    ready = sel.select(timeout=1)
    first = [(k.fileobj is a, ev) for k, ev in ready]
    b.send(b"hello")
    ready = sel.select(timeout=1)
    second = [(k.fileobj is a, ev) for k, ev in ready]
    sel.modify(a, selectors.EVENT_READ)
    data = a.recv(10)
    b.close()
    ready = sel.select(timeout=1)
    eof = a.recv(10) if ready else None
    print(f"{sel_class.__name__} socketpair: {first} {second} {data!r} eof {eof!r}")
    try:
        sel.register(a, selectors.EVENT_READ)
    except KeyError:
        print("  registering twice: KeyError")
    sel.unregister(a)
    a.close()
    sel.close()


for cls in (selectors.EpollSelector, selectors.PollSelector, selectors.SelectSelector):
    echo_round(cls)
    socketpair_round(cls)
print("default:", selectors.DefaultSelector.__name__)
