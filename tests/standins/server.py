"""Local stand-ins for Crossref, OpenAlex and a Wikidata SPARQL endpoint, on 127.0.0.1 only.

`StandIn` is one HTTP server answering the real APIs' request shapes from recorded, real-shaped works:
  /crossref/works?query.bibliographic=…&rows=N   → a Crossref work list, scored by the words matched
  /openalex/works?filter=doi:…|title.search:…,publication_year:…&api_key=…   → an OpenAlex work list
  /wikidata/sparql?query=…   → forwarded to a real SPARQL server (Oxigraph) loaded with a Wikidata-shaped fixture
  /redirect-out…   → a redirect to a host outside any allow-list
  /redirect-port/PORT/…   → a redirect to the same path on 127.0.0.1:PORT
  /silent/…   → accepts the request and never answers
  /dribble/…, /dribble-head/…   → sends the body, or the status line and headers, one byte a second
  /stall/…   → sends the status line and headers, then nothing
  /huge/…   → a valid JSON answer of about 1 MB
  /garbage/…   → a line that is not an HTTP status line
It counts every request it receives, can be told to fail the next ones (429, 503, …), to answer them with a
given body, or to hold them until released.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tokens(text: str) -> set[str]:
    """Lower-case words and numbers of two or more characters."""
    return {t for t in re.findall(r"[a-z0-9]+", text.lower()) if len(t) > 1}


def crossref_text(item: dict) -> str:
    """Everything a bibliographic query is matched against in a Crossref work."""
    people = " ".join(f"{a.get('given', '')} {a.get('family', '')}" for a in item.get("author", []))
    year = str(item.get("issued", {}).get("date-parts", [[""]])[0][0])
    parts = item.get("title", []) + item.get("subtitle", []) + item.get("container-title", [])
    return " ".join([*parts, people, year, item.get("volume", ""), item.get("issue", ""), item.get("page", "")])


def bare_doi(value: str) -> str:
    return re.sub(r"^https?://doi\.org/", "", value.strip(), flags=re.I).lower()


class StandIn(ThreadingHTTPServer):
    """The HTTP stand-in: recorded works, a request log, and failures to serve next."""

    daemon_threads = True

    def __init__(self, sparql_upstream: str = ""):
        super().__init__(("127.0.0.1", 0), Handler)
        self.crossref_items = json.loads((HERE / "crossref-works.json").read_text(encoding="utf-8"))
        self.openalex_works = json.loads((HERE / "openalex-works.json").read_text(encoding="utf-8"))
        self.sparql_upstream = sparql_upstream
        self.log: list[dict] = []
        self.failures: deque[tuple[int, dict[str, str]]] = deque()
        self.bodies: deque[bytes] = deque()
        self.lock = threading.Lock()
        self.open = threading.Event()  # requests are answered while it is set; cleared, they wait
        self.open.set()
        self.stopping = threading.Event()  # ends the answers that never come

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fail_next(self, *failures: tuple[int, dict[str, str]]) -> None:
        """Answer the next requests with these statuses and headers, in order."""
        self.failures.extend(failures)

    def answer_next(self, *bodies: bytes) -> None:
        """Answer the next requests with these bodies (status 200, JSON), in order."""
        self.bodies.extend(bodies)

    def hold(self) -> None:
        """Make requests wait (after they are logged) until release()."""
        self.open.clear()

    def release(self) -> None:
        self.open.set()

    def shutdown(self) -> None:
        self.stopping.set()
        self.open.set()
        super().shutdown()

    def crossref(self, params: dict[str, str]) -> tuple[int, dict]:
        """A Crossref work list: items scored by how many words of the query they contain."""
        query = tokens(params.get("query.bibliographic", ""))
        rows = int(params.get("rows", "20"))
        scored = []
        for item in self.crossref_items:
            matched = len(query & tokens(crossref_text(item)))
            if matched:
                scored.append({**item, "score": round(4.0 * matched, 3)})
        scored.sort(key=lambda i: -i["score"])
        selected = params.get("select", "").split(",") if params.get("select") else None
        items = [{k: v for k, v in i.items() if not selected or k in selected} for i in scored[:rows]]
        message = {"facets": {}, "total-results": len(scored), "items": items, "items-per-page": rows}
        message["query"] = {"start-index": 0, "search-terms": None}
        return 200, {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}

    def openalex(self, params: dict[str, str]) -> tuple[int, dict]:
        """An OpenAlex work list for a filter; an API key is required, as OpenAlex requires one."""
        if not params.get("api_key"):
            return 401, {"error": "API key required", "message": "Pass your key as api_key=…"}
        results = self.openalex_works
        for clause in params.get("filter", "").split(","):
            name, _, value = clause.partition(":")
            if name == "doi":
                results = [w for w in results if bare_doi(w.get("doi") or "") == bare_doi(value)]
            elif name == "title.search":
                results = [{**w, "relevance_score": 10.0} for w in results if tokens(value) <= tokens(w["title"])]
            elif name == "publication_year":
                results = [w for w in results if str(w["publication_year"]) == value]
            else:
                return 400, {"error": "Invalid query parameters error.", "message": f"{name} is not a valid field"}
        selected = params.get("select", "").split(",") if params.get("select") else None
        if selected:
            results = [{k: v for k, v in w.items() if k in selected or k == "relevance_score"} for w in results]
        meta = {"count": len(results), "db_response_time_ms": 7, "page": 1, "per_page": 25, "groups_count": None}
        return 200, {"meta": meta, "results": results, "group_by": []}


class Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        """Quiet: the stand-in keeps its own log."""

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        with self.server.lock:
            self.server.log.append({"path": url.path, "params": params, "agent": self.headers.get("User-Agent", "")})
            failure = self.server.failures.popleft() if self.server.failures else None
            body = self.server.bodies.popleft() if self.server.bodies else None
        self.server.open.wait(60)
        if failure:
            status, headers = failure
            return self.reply(status, {"status": "error", "message": "stand-in failure"}, headers)
        if body is not None:
            return self.send(200, "application/json", body)
        first = url.path.split("/")[1]
        if first in MISBEHAVIOURS:
            return MISBEHAVIOURS[first](self, url)
        if url.path == "/crossref/works":
            return self.reply(*self.server.crossref(params))
        if url.path == "/openalex/works":
            return self.reply(*self.server.openalex(params))
        if url.path.startswith("/redirect-out"):
            return self.reply(302, {"status": "moved"}, {"Location": "http://example.invalid/works"})
        if url.path == "/wikidata/sparql" and self.server.sparql_upstream:
            return self.forward(f"{self.server.sparql_upstream}/query?{url.query}")
        return self.reply(404, {"status": "error", "message": f"no such resource {url.path}"})

    def reply(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        self.send(status, "application/json", json.dumps(body).encode(), headers)

    def send(self, status: int, kind: str, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the client stopped reading (a capped answer): nothing more to say
            return

    def redirect_port(self, url: urllib.parse.SplitResult) -> None:
        """302 to the rest of the path on another port of 127.0.0.1."""
        _, _, port, rest = url.path.split("/", 3)
        target = urllib.parse.urlunsplit(("http", f"127.0.0.1:{port}", f"/{rest}", url.query, ""))
        self.reply(302, {"status": "moved"}, {"Location": target})

    def silent(self, url: urllib.parse.SplitResult) -> None:
        """Accept the request and never answer (until the stand-in stops)."""
        self.server.stopping.wait(120)

    def dribble(self, url: urllib.parse.SplitResult) -> None:
        """A valid-looking answer whose body comes one byte a second."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.trickle(b" " * 1000)

    def stall(self, url: urllib.parse.SplitResult) -> None:
        """The status line and headers, then nothing (until the stand-in stops)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        self.server.stopping.wait(120)

    def dribble_head(self, url: urllib.parse.SplitResult) -> None:
        """The status line and headers one byte a second."""
        self.trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Padding: x\r\n" * 100)

    def trickle(self, data: bytes) -> None:
        for byte in data:
            if self.server.stopping.wait(1.0):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return

    def garbage(self, url: urllib.parse.SplitResult) -> None:
        self.wfile.write(b"HELLO\r\n\r\n")

    def huge(self, url: urllib.parse.SplitResult) -> None:
        """A valid JSON answer of about 1 MB."""
        self.send(200, "application/json", json.dumps({"message": {"items": []}, "padding": "x" * 1_000_000}).encode())

    def forward(self, url: str) -> None:
        """Pass a SPARQL request to the real server and its answer back."""
        request = urllib.request.Request(url, headers={"Accept": self.headers.get("Accept", "*/*")})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, kind, data = answer.status, answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as err:
            status, kind, data = err.code, err.headers.get("Content-Type", ""), err.read()
        self.send(status, kind, data)


MISBEHAVIOURS = {
    "redirect-port": Handler.redirect_port,
    "silent": Handler.silent,
    "dribble": Handler.dribble,
    "dribble-head": Handler.dribble_head,
    "stall": Handler.stall,
    "huge": Handler.huge,
    "garbage": Handler.garbage,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(data: Path, location: Path, timeout: float = 20.0) -> tuple[subprocess.Popen, str]:
    """Load the fixture into a store, serve it on a free loopback port; the process and its base URL."""
    load = ["oxigraph", "load", "--location", str(location), "--file", str(data)]
    subprocess.run(load, check=True, capture_output=True)
    port = free_port()
    bind = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        ["oxigraph", "serve", "--location", str(location), "--bind", bind],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{bind}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with status {process.returncode}") from None
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"oxigraph did not answer on {base} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
