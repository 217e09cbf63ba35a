"""HTTP(S) server: a ThreadingHTTPServer speaking HTTP/1.1 with keep-alive, optional TLS,
fault application and the request log."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ._api import Api
from ._control import Control
from ._errors import EsError, RawError, Response
from ._faults import RESPONSE_ACTIONS, Faults
from ._request import Request
from ._store import State

PRODUCT_HEADER = ("X-elastic-product", "Elasticsearch")


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver listens with a backlog of 5; providers now open dozens of connections at
    # once (every deployment wait of a stack), and an overflowing backlog drops or resets them.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        *,
        state: State,
        faults: Faults,
        api: Api,
        control: Control,
        ssl_context: ssl.SSLContext | None,
        verbose: bool = False,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.faults = faults
        self.api = api
        self.control = control
        self.ssl_context = ssl_context
        self.verbose = verbose
        self._conn_ids = itertools.count(1)
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, addr

    def next_connection_id(self) -> int:
        return next(self._conn_ids)

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._conn_lock:
            if add:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def close_connections(self) -> None:
        with self._conn_lock:
            connections = list(self._connections)
            self._connections.clear()
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | ssl.SSLError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHTTPServer
    timeout = 120

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        with contextlib.suppress(OSError):
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        self.connection_id = self.server.next_connection_id()
        self.server.track(self.request, True)

    def finish(self) -> None:
        self.server.track(self.request, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # every method goes through one dispatcher
    def do_GET(self) -> None:
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in {b"\r\n", b"\n", b""}:
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _parse(self) -> Request:
        split = urlsplit(self.path)
        raw = self._read_body()
        body: Any = None
        error = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as err:
                error = f"Failed to parse request body: {err}"
        return Request(
            method=self.command.upper(),
            path=unquote(split.path) or "/",
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            raw_query=split.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_body=raw,
            body_error=error,
        )

    def _dispatch(self) -> None:
        started = time.perf_counter()
        req = self._parse()
        srv = self.server
        if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
            try:
                response = srv.control.handle(req)
            except Exception as err:  # pragma: no cover - a bug in the emulator
                response = EsError(500, "exception", f"emulator error: {err!r}").response()
            self._write(response, req.method)
            return
        entry = srv.state.log.start(req.method, req.path, req.raw_query, self.connection_id)
        delay = srv.faults.latency_for(req.method, req.path)
        if delay > 0:
            entry.fault = "latency"
            time.sleep(delay)
        fault = srv.faults.take(RESPONSE_ACTIONS, req.method, req.path)
        if fault is not None:
            entry.fault = fault.action
        if fault is not None and fault.action == "reset":
            entry.duration_ms = (time.perf_counter() - started) * 1000
            self._abort()
            return
        if fault is not None and fault.action == "status":
            response = fault.error().response()
            if fault.body is not None:
                response.body = fault.body
        else:
            try:
                response = srv.api.handle(req)
            except RawError as err:
                response = err.response()
            except Exception as err:  # pragma: no cover - a bug in the emulator
                response = EsError(500, "exception", f"emulator error: {err!r}").response()
        entry.principal = req.principal.name if req.principal is not None else None
        if fault is not None and fault.action == "drop":
            entry.duration_ms = (time.perf_counter() - started) * 1000
            self._abort()
            return
        entry.status = response.status
        # recorded before answering, so a client reading the log right after sees it
        entry.duration_ms = (time.perf_counter() - started) * 1000
        self._write(response, req.method)

    def _abort(self) -> None:
        """Close the connection with a TCP reset and no answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.request.close()

    def _write(self, response: Response, method: str) -> None:
        if response.stream is not None:
            self._write_stream(response)
            return
        payload = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        self.send_header(*PRODUCT_HEADER)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD" and payload:
            self.wfile.write(payload)

    def _write_stream(self, response: Response) -> None:
        """Server-sent events as Elasticsearch sends them: chunked, one event a chunk."""
        self.send_response(response.status)
        self.send_header(*PRODUCT_HEADER)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        for event in response.stream or []:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
