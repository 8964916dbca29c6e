"""Every canned query in process (pyoxigraph) and through `smekg serve`'s /sparql, side by side, one run each.

    PYTHONPATH=src python benchmarks/serve_queries.py [--release DIR]

Not part of the test suite. The in-process time is `run_query` on a loaded Store (parameters bound as VALUES and
as substitutions); the /sparql time is one HTTP POST of the query as the editor shows it (defaults bound as
VALUES), its JSON answer read, on a server started here with its default limits. Prints milliseconds and the
ratio (the target: within 2x)."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from smekg import Project, Store, list_queries, run_query
from smekg.serve import editor_text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, query: str) -> bytes:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.read()


def started(release: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "smekg", "serve", "--port", str(port), "--release", str(release)])
    url = f"http://127.0.0.1:{port}/sparql"
    while True:
        try:
            post(url, "ASK {}")
            return server, url
        except OSError:
            if server.poll() is not None:
                sys.exit("smekg serve did not start")
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", type=Path, default=None)
    args = parser.parse_args()
    project = Project.find()
    release = (args.release or project.release_dir).resolve()
    store = Store.for_release(release)
    server, url = started(release)
    try:
        print(f"{'query':36} {'in process ms':>14} {'/sparql ms':>11} {'ratio':>6}")
        for query in list_queries(project):
            began = time.perf_counter()
            run_query(query.name, store=store, project=project)
            local = time.perf_counter() - began
            text = editor_text(query)
            began = time.perf_counter()
            post(url, text)
            remote = time.perf_counter() - began
            print(f"{query.name:36} {local * 1000:14.1f} {remote * 1000:11.1f} {remote / local:6.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
