"""A local stub SMS gateway for the tests: an http.server thread on 127.0.0.1 that records every request
and answers with the next status (and body) it was told to, 200 once the list is used up."""

import http.server
import threading
from dataclasses import dataclass, field


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Stub:
    answers: list = field(default_factory=list)  # (status, body bytes, content type)
    seen: list = field(default_factory=list)
    url: str = ""
    server: http.server.HTTPServer | None = None

    def answer(self, status: int, body: bytes | str = b"", content_type: str = "text/plain; charset=utf-8"):
        self.answers.append((status, body.encode() if isinstance(body, str) else body, content_type))

    def posts(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST"]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def start(default: tuple = (200, b'{"ok": true}', "application/json")) -> Stub:
    stub = Stub()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            stub.seen.append(Seen(self.command, self.path, dict(self.headers), body))
            status, reply, content_type = stub.answers.pop(0) if stub.answers else default
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_POST = do_GET = _handle

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.server = server
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    return stub
