"""Every canned query in process (pyoxigraph) and through `smekg serve`'s /sparql, side by side, in one run.

    PYTHONPATH=src python benchmarks/serve_queries.py [--release DIR] [--runs 15]

Not part of the test suite. Linux only (the server's CPU time is read from /proc).

- In process: `run_query` on a loaded Store, as `smekg query NAME` runs it (the query file read, its parameters
  bound as VALUES and as Oxigraph substitutions, the rows converted to Python values).
- Through /sparql: a POST of the query as the editor shows it (defaults bound as VALUES), its JSON answer read
  whole, on a server started here with its default limits. The client keeps one HTTP connection alive across
  requests, as the query editor (a browser) and SPARQL clients do. One warm-up request (`ASK {}`) runs before any
  timing, once the server answers; nothing else is warmed.
- Each query runs `--runs` times on each side, the two sides alternating; the table shows each side's median wall
  time, its CPU time per run (in process: this process; /sparql: this client plus the server and its query
  workers, from /proc) and the ratio of the medians (the target: within 2x).
- The floor, last: `ASK {}` (no data touched) on both sides, the fixed cost of one round trip through the server
  (in process, with smekg's prefixes, as the workers run every query).

The machine may be shared: wall times move with its load, CPU times much less."""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from smekg import Project, Store, list_queries, run_query
from smekg.serve import editor_text
from smekg.vocab import PREFIXES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive HTTP connection to the server's /sparql."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def post(self, query: str) -> bytes:
        body = urllib.parse.urlencode({"query": query})
        headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
        self.connection.request("POST", "/sparql", body, headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            sys.exit(f"/sparql answered {response.status}: {data[:300]!r}")
        return data


def started(release: Path) -> tuple[subprocess.Popen, Client]:
    """A server on a free port, answering (after the one warm-up request)."""
    port = free_port()
    command = [sys.executable, "-m", "smekg", "serve", "--port", str(port), "--release", str(release)]
    server = subprocess.Popen(command)
    while True:
        try:
            client = Client(port)
            client.post("ASK {}")
            return server, client
        except OSError:
            if server.poll() is not None:
                sys.exit("smekg serve did not start")
            time.sleep(0.2)


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process's threads and its live children's (the query workers), in nanoseconds'
    resolution (/proc/PID/task/TID/schedstat; /proc/PID/stat counts in 10 ms ticks)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total += int((task / "schedstat").read_text().split()[0]) / 1e9
        for child in (task / "children").read_text().split():
            total += tree_cpu(int(child))
    return total


def timed(run: Callable[[], object], server: int | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run: the CPU time of this process, plus that of the server's processes when
    given (read from /proc before and after the timed span, not inside it)."""
    before = tree_cpu(server) if server else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu + (tree_cpu(server) - before if server else 0.0)


def median(times: list[tuple[float, float]], index: int) -> float:
    return statistics.median(t[index] for t in times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    project = Project.find()
    release = (args.release or project.release_dir).resolve()
    store = Store.for_release(release)
    server, client = started(release)
    cases: list[tuple[str, Callable[[], object], str]] = [
        *(
            (q.name, lambda name=q.name: run_query(name, store=store, project=project), editor_text(q))
            for q in list_queries(project)
        ),
        ("ASK {} (the floor)", lambda: store.store.query("ASK {}", prefixes=PREFIXES), "ASK {}"),
    ]
    try:
        print(f"{'query':36} {'in process ms':>14} {'CPU':>6} {'/sparql ms':>11} {'CPU':>6} {'ratio':>6}")
        for name, local_run, text in cases:
            local, remote = [], []
            for _ in range(args.runs):
                local.append(timed(local_run))
                remote.append(timed(lambda text=text: client.post(text), server.pid))
            here, there = median(local, 0), median(remote, 0)
            print(
                f"{name:36} {here:14.2f} {median(local, 1):6.2f} {there:11.2f} {median(remote, 1):6.2f}"
                f" {there / here:6.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
