#!/usr/bin/env python3
"""A scriptable HTTP/1.1 test server for PipeHTTP's tests (Python 3.11+, standard library only).

Started as ``python3 behaviour_server.py`` it listens on 127.0.0.1 on an ephemeral port, prints
exactly one line ``PORT <n>`` on stdout once it accepts connections, and serves until its stdin
reaches end-of-file (the test process that started it exited or closed the pipe) or it receives
SIGTERM/SIGINT. Nothing else is ever written to stdout; problems go to stderr.

It is built on ``asyncio.start_server`` (listen backlog 1024) rather than ``http.server``, whose
backlog of 5 and thread-per-request model stall under parallel clients. It supports keep-alive,
pipelined requests on one connection (they are answered in order), request bodies framed by
Content-Length or chunked transfer coding, ``Expect: 100-continue``, HEAD, and responses framed by
Content-Length or chunked transfer coding. See README.md beside this file for the routes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import signal
import sys
import threading
import traceback
import urllib.parse
from http import HTTPStatus

MAX_HEAD_BYTES = 64 * 1024  # request line + headers
STREAM_LIMIT = 1024 * 1024  # StreamReader buffer limit: large enough for fast uploads
MAX_ECHO_BYTES = 256 * 1024 * 1024  # /echo buffers the body to answer with a Content-Length
MAX_DISCARD_BYTES = 64 * 1024 * 1024  # unread body we drain to keep a connection alive
MAX_CHUNK = 16 * 1024 * 1024  # largest ?chunk= accepted by /bytes and /chunked
LINGER_SECONDS = 1.0  # how long a closing connection drains unread input (avoids RST)
PATTERN_PERIOD = 251  # byte i of every generated body is i % 251
YIELD_EVERY_BYTES = 1024 * 1024  # a streaming response yields to other connections this often

# One preallocated pattern block; responses send slices of it, so no body is ever built in memory.
# Byte i of the block is i % 251, so block[o % 251 : o % 251 + k] is the pattern at offset o.
_PATTERN = memoryview(bytes(range(PATTERN_PERIOD)) * (MAX_CHUNK // PATTERN_PERIOD + 2))


def pattern_slice(offset: int, size: int) -> memoryview:
    """The ``size`` pattern bytes that start at body offset ``offset`` (``size <= MAX_CHUNK``)."""
    start = offset % PATTERN_PERIOD
    return _PATTERN[start : start + size]


class HTTPError(Exception):
    """A request the server refuses; answered with ``status`` and then the connection is closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class CloseConnection(Exception):
    """Raised by a route that deliberately ends the connection (e.g. ``/close-mid-body``)."""


class Body:
    """The request body, read incrementally; framed by Content-Length or chunked coding."""

    def __init__(self, reader: asyncio.StreamReader, length: int, chunked: bool, on_first_read) -> None:
        self._reader = reader
        self._chunked = chunked
        self._remaining = 0 if chunked else length  # bytes left (in the current chunk, when chunked)
        self._need_crlf = False
        self._on_first_read = on_first_read
        self.done = not chunked and length == 0
        self.received = 0

    async def read(self, n: int = 256 * 1024) -> bytes:
        """Up to ``n`` bytes of body; ``b""`` once the body is complete."""
        if self.done:
            return b""
        if self._on_first_read is not None:
            callback, self._on_first_read = self._on_first_read, None
            await callback()
        if self._chunked and self._remaining == 0:
            if self._need_crlf:
                if await self._line() != b"":
                    raise HTTPError(400, "chunk data not followed by CRLF")
                self._need_crlf = False
            size_line = await self._line()
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise HTTPError(400, "bad chunk size") from None
            if size < 0:
                raise HTTPError(400, "bad chunk size")
            if size == 0:
                while await self._line() != b"":  # trailer fields, ignored
                    pass
                self.done = True
                return b""
            self._remaining = size
        data = await self._reader.read(min(n, self._remaining))
        if not data:
            raise asyncio.IncompleteReadError(b"", self._remaining)
        self._remaining -= len(data)
        self.received += len(data)
        if self._remaining == 0:
            if self._chunked:
                self._need_crlf = True
            else:
                self.done = True
        return data

    async def read_all(self, limit: int) -> bytes:
        """The whole body, or HTTPError 413 when it exceeds ``limit`` bytes."""
        parts = []
        total = 0
        while chunk := await self.read():
            total += len(chunk)
            if total > limit:
                raise HTTPError(413, f"body larger than {limit} bytes")
            parts.append(chunk)
        return b"".join(parts)

    async def discard(self, limit: int) -> bool:
        """Reads and drops the rest of the body; False if more than ``limit`` bytes remained."""
        dropped = 0
        while chunk := await self.read():
            dropped += len(chunk)
            if dropped > limit:
                return False
        return True

    async def _line(self) -> bytes:
        line = await self._reader.readuntil(b"\n")
        if len(line) > 8192:
            raise HTTPError(400, "chunk line too long")
        return line.rstrip(b"\r\n")


class Request:
    """A parsed request head plus its streaming ``body``."""

    def __init__(self, method: str, target: str, version: str, headers: list[tuple[str, str]]) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.header_list = headers
        joined: dict[str, str] = {}
        for name, value in headers:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        self.headers = joined
        split = urllib.parse.urlsplit(target)
        self.path = urllib.parse.unquote(split.path) or "/"
        self.query = {key: values[0] for key, values in urllib.parse.parse_qs(split.query, True).items()}
        tokens = {token.strip().lower() for token in joined.get("connection", "").split(",")}
        if version == "HTTP/1.0":
            self.keep_alive = "keep-alive" in tokens
        else:
            self.keep_alive = "close" not in tokens
        self.body: Body  # set by read_request

    def int_query(self, name: str, default: int, low: int, high: int) -> int:
        """Query parameter ``name`` as an int in [low, high], ``default`` when absent."""
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        return parse_int(raw, low, high, name)


def parse_int(text: str, low: int, high: int, what: str) -> int:
    if not text.isdigit():
        raise HTTPError(400, f"{what} must be a non-negative integer")
    value = int(text)
    if not low <= value <= high:
        raise HTTPError(400, f"{what} must be in {low}...{high}")
    return value


class Response:
    """Writes one response; for HEAD requests the body is dropped but the framing headers stay."""

    def __init__(self, writer: asyncio.StreamWriter, head_only: bool, request: Request | None = None) -> None:
        self._writer = writer
        self._request = request
        self.head_only = head_only
        self.started = False
        self.close = False
        self._chunked = False

    @property
    def wants_body(self) -> bool:
        return not self.head_only

    def start(
        self,
        status: int,
        headers: list[tuple[str, str]] = (),
        *,
        length: int | None = None,
        chunked: bool = False,
        first: bytes = b"",
    ) -> None:
        """Queues the status line and headers (plus ``first`` body bytes) in one write."""
        assert not self.started
        self.started = True
        self._chunked = chunked
        request = self._request
        if request is not None and not request.continue_sent and not request.body.done:
            # Answering before asking for the body (no 100 Continue): the body's fate is unknown.
            self.close = True
        lines = [f"HTTP/1.1 {status} {reason(status)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        if self.close:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if first and self.wants_body:
            head += self._frame(first)
        self._writer.write(head)

    async def send(self, status: int, body: bytes = b"", content_type: str | None = "text/plain",
                   headers: list[tuple[str, str]] = ()) -> None:
        """A complete response with a Content-Length (none for 1xx/204/304)."""
        all_headers = list(headers)
        if status in (204, 304):  # these never carry a body (RFC 9110 §15.3.5, §15.4.5)
            self.start(status, all_headers)
        else:
            if content_type is not None and body:
                all_headers.insert(0, ("Content-Type", content_type))
            self.start(status, all_headers, length=len(body), first=body)
        await self._writer.drain()

    def write(self, data: bytes | memoryview) -> None:
        if self.wants_body and len(data):
            self._writer.write(self._frame(data) if self._chunked else data)

    async def drain(self) -> None:
        await self._writer.drain()

    async def finish(self) -> None:
        if self._chunked and self.wants_body:
            self._writer.write(b"0\r\n\r\n")
        await self._writer.drain()

    def _frame(self, data: bytes | memoryview) -> bytes:
        if not self._chunked:
            return bytes(data)
        return b"%x\r\n" % len(data) + bytes(data) + b"\r\n"


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


async def read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Request | None:
    """The next request on the connection, or None at a clean end-of-file between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip() == b"":
            return None
        raise HTTPError(400, "connection closed inside the request head") from None
    except asyncio.LimitOverrunError:
        raise HTTPError(431, "request head too large") from None
    if len(head) > MAX_HEAD_BYTES:
        raise HTTPError(431, "request head too large")
    lines = head.lstrip(b"\r\n").split(b"\r\n")
    try:
        request_line = lines[0].decode("ascii")
    except UnicodeDecodeError:
        raise HTTPError(400, "request line is not ASCII") from None
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[2].startswith("HTTP/1."):
        raise HTTPError(400, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HTTPError(505, "HTTP version not supported")
    headers = []
    for raw in lines[1:]:
        if raw == b"":
            continue
        if raw[:1] in (b" ", b"\t"):
            raise HTTPError(400, "obsolete header line folding")
        name, sep, value = raw.partition(b":")
        if not sep or not name or name != name.strip():
            raise HTTPError(400, "malformed header field")
        headers.append((name.decode("latin-1").lower(), value.strip().decode("latin-1")))
    request = Request(method, target, version, headers)

    length = 0
    chunked = False
    transfer_encoding = request.headers.get("transfer-encoding")
    if transfer_encoding is not None:
        codings = [c.strip().lower() for c in transfer_encoding.split(",")]
        if codings[-1] != "chunked":
            raise HTTPError(501, "unsupported transfer coding")
        chunked = True
        if "content-length" in request.headers:
            request.keep_alive = False  # ambiguous framing: answer, then close (RFC 9112 §6.3)
    elif "content-length" in request.headers:
        values = {v.strip() for v in request.headers["content-length"].split(",")}
        if len(values) != 1 or not next(iter(values)).isdigit():
            raise HTTPError(400, "bad Content-Length")
        length = int(values.pop())

    on_first_read = None
    request.continue_sent = False
    if request.headers.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
        async def send_continue() -> None:
            request.continue_sent = True
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()

        on_first_read = send_continue
    else:
        request.continue_sent = True  # nothing to wait for: the client sends the body at once
    request.body = Body(reader, length, chunked, on_first_read)
    return request


class Server:
    """Routes and connection handling; one instance per process."""

    def __init__(self) -> None:
        self.connections_accepted = 0
        self.tasks: set[asyncio.Task] = set()

    # MARK: connections

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_accepted += 1
        task = asyncio.current_task()
        self.tasks.add(task)
        linger = False
        try:
            linger = await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        except Exception:  # one bad connection must never take the server down
            log("connection failed:\n" + traceback.format_exc())
        finally:
            self.tasks.discard(task)
            await close(reader, writer, linger)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answers requests in order; returns True when closing with input possibly still unread."""
        while True:
            try:
                request = await read_request(reader, writer)
            except HTTPError as error:
                response = Response(writer, head_only=False)
                response.close = True
                await response.send(error.status, (error.message + "\n").encode())
                return True
            if request is None:
                return False
            response = Response(writer, head_only=request.method == "HEAD", request=request)
            response.close = not request.keep_alive
            try:
                await self.route(request, response)
            except CloseConnection:
                return True
            except HTTPError as error:
                if response.started:
                    return True
                response.close = True
                await response.send(error.status, (error.message + "\n").encode())
                return True
            except (ConnectionError, asyncio.IncompleteReadError):
                raise
            except Exception:
                log(f"{request.method} {request.target} failed:\n" + traceback.format_exc())
                if not response.started:
                    response.close = True
                    await response.send(500, b"internal server error\n")
                return True
            if response.close:
                return True
            if not request.body.done:
                # The route ignored the body. If the client still waits for 100 Continue it may or
                # may not send the body later, so the framing is unknowable: close instead.
                if not request.continue_sent or not await request.body.discard(MAX_DISCARD_BYTES):
                    return True

    # MARK: routing

    async def route(self, request: Request, response: Response) -> None:
        segments = request.path.strip("/").split("/")
        name, args = segments[0], segments[1:]
        handler = ROUTES.get(name)
        if handler is None or len(args) > 1:
            await response.send(404, b"not found\n")
            return
        await handler(self, request, response, args[0] if args else None)

    async def hello(self, request, response, arg) -> None:
        if arg is not None:
            return await not_found(response)
        await response.send(200, b"hello")

    async def json_route(self, request, response, arg) -> None:
        if arg is not None:
            return await not_found(response)
        await response.send(200, b'{"ok":true}', "application/json")

    async def status(self, request, response, arg) -> None:
        code = parse_int(required(arg), 200, 599, "status")
        await response.send(code, f"{code} {reason(code)}\n".encode())

    async def headers(self, request, response, arg) -> None:
        body = json.dumps(request.headers, sort_keys=True).encode()
        await response.send(200, body, "application/json")

    async def echo(self, request, response, arg) -> None:
        body = await request.body.read_all(MAX_ECHO_BYTES)
        content_type = request.headers.get("content-type")
        headers = [("X-Method", request.method)]
        if content_type is not None:
            headers.insert(0, ("Content-Type", content_type))
        response.start(200, headers, length=len(body), first=body)
        await response.drain()

    async def upload_count(self, request, response, arg) -> None:
        if request.method not in ("POST", "PUT"):
            await response.send(405, b"use POST or PUT\n", headers=[("Allow", "POST, PUT")])
            return
        digest = hashlib.sha256()
        count = 0
        while chunk := await request.body.read(1024 * 1024):
            digest.update(chunk)
            count += len(chunk)
        body = json.dumps({"bytes": count, "sha256": digest.hexdigest()}).encode()
        await response.send(200, body, "application/json")

    async def bytes_route(self, request, response, arg) -> None:
        total = parse_int(required(arg), 0, 1 << 50, "length")
        chunk = request.int_query("chunk", 65536, 1, MAX_CHUNK)
        response.start(200, [("Content-Type", "application/octet-stream")], length=total)
        if response.wants_body:
            await stream_pattern(response, total, chunk)
        await response.drain()

    async def chunked(self, request, response, arg) -> None:
        total = parse_int(required(arg), 0, 1 << 50, "length")
        chunk = request.int_query("chunk", 16384, 1, MAX_CHUNK)
        response.start(200, [("Content-Type", "application/octet-stream")], chunked=True)
        if response.wants_body:
            await stream_pattern(response, total, chunk)
        await response.finish()

    async def slow_headers(self, request, response, arg) -> None:
        await sleep_ms(parse_int(required(arg), 0, 3_600_000, "milliseconds"))
        await response.send(200, b"slow")

    async def stall_body(self, request, response, arg) -> None:
        delay = parse_int(arg, 0, 3_600_000, "milliseconds") if arg is not None else 60_000
        response.start(200, [("Content-Type", "application/octet-stream")], length=100, first=b"")
        response.write(pattern_slice(0, 10))
        await response.drain()
        await sleep_ms(delay)
        response.write(pattern_slice(10, 90))
        await response.drain()

    async def drip(self, request, response, arg) -> None:
        total = parse_int(required(arg), 0, 1_000_000, "length")
        interval = request.int_query("interval", 100, 0, 3_600_000)
        response.start(200, [("Content-Type", "application/octet-stream")], length=total)
        await response.drain()
        for offset in range(total if response.wants_body else 0):
            if offset:
                await sleep_ms(interval)
            response.write(pattern_slice(offset, 1))
            await response.drain()

    async def close_mid_body(self, request, response, arg) -> None:
        response.start(200, [("Content-Type", "application/octet-stream")], length=1000)
        response.write(pattern_slice(0, 100))
        await response.drain()
        raise CloseConnection

    async def garbage(self, request, response, arg) -> None:
        response.started = True
        response._writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await response.drain()
        raise CloseConnection

    async def redirect(self, request, response, arg) -> None:
        remaining = parse_int(required(arg), 0, 1000, "count")
        if remaining == 0:
            await response.send(200, b"done")
        else:
            await response.send(302, b"redirecting\n", headers=[("Location", f"/redirect/{remaining - 1}")])

    async def redirect_to(self, request, response, arg) -> None:
        location = request.query.get("url")
        if not location or arg is not None:
            raise HTTPError(400, "redirect-to needs ?url=")
        code = request.int_query("status", 302, 200, 599)
        await response.send(code, b"redirecting\n", headers=[("Location", location)])

    async def delay(self, request, response, arg) -> None:
        await sleep_ms(parse_int(required(arg), 0, 3_600_000, "milliseconds"))
        await response.send(200, b"delayed")

    async def connection_count(self, request, response, arg) -> None:
        body = json.dumps({"connections": self.connections_accepted}).encode()
        await response.send(200, body, "application/json")


async def not_found(response: Response) -> None:
    await response.send(404, b"not found\n")


def required(arg: str | None) -> str:
    if arg is None:
        raise HTTPError(400, "missing path parameter")
    return arg


async def sleep_ms(milliseconds: int) -> None:
    await asyncio.sleep(milliseconds / 1000)


async def stream_pattern(response: Response, total: int, chunk: int) -> None:
    """Sends ``total`` pattern bytes in writes of ``chunk`` bytes without building the body."""
    offset = 0
    since_yield = 0
    while offset < total:
        size = min(chunk, total - offset)
        response.write(pattern_slice(offset, size))
        offset += size
        since_yield += size
        await response.drain()
        if since_yield >= YIELD_EVERY_BYTES:
            # drain() does not suspend while the socket keeps up; let other connections run.
            since_yield = 0
            await asyncio.sleep(0)


async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, linger: bool) -> None:
    """Closes the connection; with ``linger``, half-closes first and drains input for a moment.

    Closing a socket with unread input makes the kernel send RST, which can destroy the response
    still in flight to the client; a lingering close (like nginx's) avoids that.
    """
    try:
        if linger and not writer.is_closing() and writer.can_write_eof():
            await writer.drain()
            writer.write_eof()
            async with asyncio.timeout(LINGER_SECONDS):
                while await reader.read(STREAM_LIMIT):
                    pass
    except (Exception, asyncio.CancelledError):
        pass
    try:
        writer.close()
        await writer.wait_closed()
    except (Exception, asyncio.CancelledError):
        pass


def log(message: str) -> None:
    print(f"behaviour_server: {message}", file=sys.stderr, flush=True)


ROUTES = {
    "hello": Server.hello,
    "json": Server.json_route,
    "status": Server.status,
    "headers": Server.headers,
    "echo": Server.echo,
    "upload-count": Server.upload_count,
    "bytes": Server.bytes_route,
    "chunked": Server.chunked,
    "slow-headers": Server.slow_headers,
    "stall-body": Server.stall_body,
    "drip": Server.drip,
    "close-mid-body": Server.close_mid_body,
    "garbage": Server.garbage,
    "redirect": Server.redirect,
    "redirect-to": Server.redirect_to,
    "delay": Server.delay,
    "connection-count": Server.connection_count,
}


def watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Sets ``stop`` when stdin reaches end-of-file, so a dead parent leaves no orphan server."""

    def run() -> None:
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=run, name="stdin-watch", daemon=True).start()


async def main(arguments: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = Server()
    listener = await asyncio.start_server(
        server.handle_connection, arguments.host, arguments.port,
        backlog=1024, limit=STREAM_LIMIT, reuse_address=True,
    )
    port = listener.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    if not arguments.ignore_stdin:
        watch_stdin(loop, stop)
    await stop.wait()
    listener.close()
    for task in list(server.tasks):
        task.cancel()
    await asyncio.gather(*server.tasks, return_exceptions=True)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: an ephemeral one)")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="keep serving after stdin closes (for running by hand in the background)")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_arguments()))
