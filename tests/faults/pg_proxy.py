"""A TCP proxy between the application and PostgreSQL that can lose a COMMIT's answer.

It forwards bytes both ways and reads PostgreSQL's wire protocol from the server: when armed, the
first ``CommandComplete`` whose tag is ``COMMIT`` is swallowed and both sockets are closed. The
server has committed; the client sees its connection drop before the answer, exactly as when a
network path fails at the worst moment.
"""

from __future__ import annotations

import socket
import struct
import threading
from contextlib import suppress

_NEGOTIATION_CODES = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered by one byte


class _Pair:
    """One client connection and its server connection."""

    def __init__(self, proxy: PgProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server = socket.create_connection(proxy.target)
        self.pending_negotiations = 0
        self.closed = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._client_to_server, daemon=True).start()
        threading.Thread(target=self._server_to_client, daemon=True).start()

    def close(self) -> None:
        self.closed.set()
        for sock in (self.client, self.server):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()

    def _client_to_server(self) -> None:
        reader = _Reader(self.client)
        try:
            while True:  # untyped messages until the startup message has gone through
                head = reader.exactly(8)
                length, code = struct.unpack("!ii", head)
                body = reader.exactly(length - 8)
                if code in _NEGOTIATION_CODES:
                    self.pending_negotiations += 1
                self.server.sendall(head + body)
                if code not in _NEGOTIATION_CODES:
                    break
            while True:
                chunk = self.client.recv(65536)
                if not chunk:
                    break
                self.server.sendall(chunk)
        except OSError:
            pass
        finally:
            self.close()

    def _server_to_client(self) -> None:
        reader = _Reader(self.server)
        try:
            while True:
                if self.pending_negotiations:
                    self.client.sendall(reader.exactly(1))
                    self.pending_negotiations -= 1
                    continue
                head = reader.exactly(5)
                kind, length = head[:1], struct.unpack("!i", head[1:])[0]
                body = reader.exactly(length - 4)
                if kind == b"C" and body.startswith(b"COMMIT") and self.proxy.take_commit():
                    return  # the server committed; its answer never arrives
                self.client.sendall(head + body)
        except OSError:
            pass
        finally:
            self.close()


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


class PgProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._armed = 0
        self.commits_lost = 0
        self._lock = threading.Lock()
        self._pairs: list[_Pair] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def lose_next_commit(self, count: int = 1) -> None:
        with self._lock:
            self._armed += count

    def take_commit(self) -> bool:
        with self._lock:
            if not self._armed:
                return False
            self._armed -= 1
            self.commits_lost += 1
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            pair = _Pair(self, client)
            self._pairs.append(pair)
            pair.start()

    def close(self) -> None:
        with suppress(OSError):
            self._listener.close()
        for pair in self._pairs:
            pair.close()
