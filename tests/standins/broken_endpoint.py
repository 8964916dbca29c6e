"""A misbehaving SPARQL endpoint on 127.0.0.1, one fault per path, for the fault matrix.

  /html          200 with an HTML page          /no-head       200 JSON without `head`
  /bad-bindings  200 JSON whose cells are not objects             /error         500 with a message
  /redirect      302 to another URL            /big           200 JSON results of about 1 MB
  /hang          accepts and never answers     /dribble       200 JSON headers, then one byte every 0.2 s
Every request is logged (method, path, headers, body), so a test can also show that none was made.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RESULTS_JSON = "application/sparql-results+json"
NOT_OBJECTS = {"head": {"vars": ["firm"]}, "results": {"bindings": [{"firm": "x"}]}}
MANY_ROWS = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "x" * 100}}] * 10_000},
}
ANSWERS = {
    "/html": (200, "text/html; charset=utf-8", b"<!doctype html><html><body><h1>Welcome</h1></body></html>"),
    "/no-head": (200, RESULTS_JSON, json.dumps({"results": {"bindings": []}}).encode()),
    "/bad-bindings": (200, RESULTS_JSON, json.dumps(NOT_OBJECTS).encode()),
    "/error": (500, "text/plain", b"internal error: the store is closed"),
    "/big": (200, RESULTS_JSON, json.dumps(MANY_ROWS).encode()),
}


class BrokenEndpoint(ThreadingHTTPServer):
    """The stand-in server; `stop` ends it and releases every handler still hanging or dribbling."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.log: list[dict] = []
        self.stopping = threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: BrokenEndpoint

    def log_message(self, *args: object) -> None:
        """Quiet: the log is kept in server.log."""

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.log.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        path = self.path.split("?")[0]
        if path == "/hang":
            self.server.stopping.wait(120)
        elif path == "/dribble":
            self.dribble()
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", f"{self.server.base}/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            status, kind, data = ANSWERS.get(path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:  # the client stopped reading (a capped answer): nothing more to say
                return

    def dribble(self) -> None:
        """Valid-looking headers, then a byte every 0.2 s until the client leaves or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.end_headers()
        try:
            while not self.server.stopping.wait(0.2):
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:
            return
