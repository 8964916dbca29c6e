"""SPARQL queries in worker processes that can be stopped: Oxigraph cannot interrupt a running query, so each
query runs in a child process holding its own copy of the store, and one that runs past its deadline is killed
(and replaced). The pool bounds how many queries run at once and how many wait for a worker.

A worker (`python -m smekg.querypool RELEASE MAX_MEMORY_MB`) reads one JSON request a line on stdin (each with
the cap on its answer's bytes) and answers each with a JSON header line ({"status", "media", "length"})
followed by `length` bytes of body."""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import resource
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import SmekgError, fail
from .mediatypes import RDF_TYPES, RESULT_TYPES, negotiate
from .query import SERVICE, VALUES_ROW, Store, first_keyword, keyword, refuse_service, values_row
from .safeio import ServerLimits as Limits
from .vocab import PREFIXES

TEXT = "text/plain; charset=utf-8"
FORM = keyword("SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH")
QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"
PR_SET_PDEATHSIG = 1  # prctl option, from <linux/prctl.h>
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000  # unshare flags, from <sched.h>


@dataclass(frozen=True)
class Reply:
    """An answer to send: HTTP status, Content-Type and body."""

    status: int
    media: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, TEXT, message.encode("utf-8"))


# The worker side: runs in the child process.


class CappedWriter:
    """A binary sink that refuses to grow past a cap (the serializer then stops with an OSError)."""

    def __init__(self, cap: int):
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.over = False

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            self.over = True
            raise OSError("the answer is over the size cap")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts stay in memory."""


def serialized(write: Callable[[IO[bytes]], None], media: str, cap: int) -> Reply:
    """The bytes write() produces, or 413 when they pass the cap; an evaluation error is a 500 with its message."""
    sink = CappedWriter(cap)
    try:
        write(sink)  # type: ignore[arg-type]
    except (OSError, ValueError, RuntimeError) as err:
        if sink.over:
            return Reply.text(
                413,
                f"the answer is larger than this server's cap of {cap:,} bytes (--max-answer); it was not sent. "
                "Add a LIMIT, select fewer columns, or run the query on the release files themselves.",
            )
        return Reply.text(500, f"the query failed while it ran: {err}")
    return Reply(200, media, b"".join(sink.parts))


def substitutions(store: ox.Store, text: str, parameters: dict | None) -> dict[ox.Variable, ox.Term]:
    """For a canned query as the editor shows it (parameters: where its row is, see serve.EditorForm), the terms
    of its parameter row as Oxigraph substitutions, as `smekg query` passes them; none unless the row is written
    exactly as Oxigraph writes those terms (so the query itself reads the same terms from it)."""
    if parameters is None:
        return {}
    start, end = parameters["row"]
    row, names = text[start:end], parameters["names"]
    if not VALUES_ROW.fullmatch(row):  # one row of terms, nothing else: the probe below reads no data
        return {}
    try:
        solutions = store.query(f"{text[: parameters['prologue']]} SELECT * WHERE {{ {row} }}", prefixes=PREFIXES)
    except SyntaxError:
        return {}
    if [v.value for v in solutions.variables] != names:
        return {}
    cells = next(iter(solutions), None)
    if cells is None or values_row(names, [cells[n] for n in names]) != row:
        return {}
    return {ox.Variable(n): cells[n] for n in parameters["substituted"] if cells[n] is not None}


def run_sparql(store: ox.Store, text: str, accept: str | None, cap: int, parameters: dict | None = None) -> Reply:
    """A SPARQL query's answer in the media type the Accept header prefers among those its form allows.

    Read-only because Oxigraph's query() parses queries only: an update is a syntax error there, told apart from
    others (403, not 400) after the parser refused it. The textual checks scan the whole text (about 0.3 ms for
    a canned query, as much as a small query takes to run), so the SERVICE check runs only on a text holding the
    word at all (blanking comments and strings, as it does first, can only remove it)."""
    try:
        if SERVICE.search(text):
            refuse_service(text)
        result = store.query(text, prefixes=PREFIXES, substitutions=substitutions(store, text, parameters))
    except SmekgError as err:
        return Reply.text(400, f"refused: {err.findings[0].message} (SERVICE is not supported here)")
    except SyntaxError as err:
        form = first_keyword(FORM, text)
        if form and form[0] not in QUERY_FORMS:
            return Reply.text(403, f"{READ_ONLY} ({form[0]} on line {form[1]})")
        return Reply.text(400, f"SPARQL syntax error: {err}")
    except OSError as err:
        return Reply.text(500, f"the query failed: {err}")
    offers = RDF_TYPES if isinstance(result, ox.QueryTriples) else RESULT_TYPES
    media = negotiate(accept, list(offers))
    if media is None:
        return Reply.text(406, f"this answer can be sent as {', '.join(offers)}; the request accepts none of them")
    chosen = offers[media]
    return serialized(lambda out: result.serialize(out, format=chosen), chosen.media_type, cap)


def describe(store: ox.Store, iri: str, media: str, cap: int) -> Reply:
    """The concise bounded description of an IRI (its triples, following blank nodes), as Oxigraph's DESCRIBE
    gives it; 404 when the store says nothing about it."""
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        return Reply.text(400, f"not an IRI: {err}")
    triples = list(store.query("DESCRIBE ?node", substitutions={ox.Variable("node"): node}))
    if not triples:
        return Reply.text(404, f"nothing is known about <{iri}>")
    return serialized(lambda out: ox.serialize(triples, out, RDF_TYPES[media], prefixes=PREFIXES), media, cap)


def names(store: ox.Store, iri: str) -> Reply:
    """200 if the store has a triple about the IRI (as subject), else 404; 400 if it is not an IRI."""
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        return Reply.text(400, f"not an IRI: {err}")
    found = next(iter(store.quads_for_pattern(node, None, None, ox.DefaultGraph())), None)
    return Reply.text(200 if found else 404, f"<{iri}> {'names something' if found else 'names nothing'}")


def answer(store: ox.Store, request: dict) -> Reply:
    """The reply to one request: {"op": "query", "query", "accept", "cap", "parameters" (optional)}, {"op":
    "describe", "iri", "media", "cap"} or {"op": "names", "iri", "cap"}."""
    cap = request["cap"]
    if request.get("op") == "describe":
        return describe(store, request["iri"], request["media"], cap)
    if request.get("op") == "names":
        return names(store, request["iri"])
    return run_sparql(store, request["query"], request.get("accept"), cap, request.get("parameters"))


def send(out: IO[bytes], reply: Reply) -> None:
    out.write(json.dumps({"status": reply.status, "media": reply.media, "length": len(reply.body)}).encode() + b"\n")
    out.write(reply.body)
    out.flush()


def die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the server dies, even in the middle of a query that would
    otherwise run on (PR_SET_PDEATHSIG); elsewhere a worker ends when it next reads the closed stdin."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def isolate_network() -> bool:
    """On Linux, move this worker into a network namespace of its own, where no interface is up: a SERVICE clause
    that got past the textual check (Oxigraph reads `1SERVICE` as `1 SERVICE`) reaches no host. As root a new
    network namespace is enough; otherwise one inside a new user namespace. False where neither is allowed."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(CLONE_NEWNET) == 0 or libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def worker_main(folder: str, memory_mb: str) -> None:
    """Load the release, say so (a 200 reply, or a 500 saying why not), then answer requests until stdin closes."""
    die_with_parent()
    if not isolate_network():
        print(
            "smekg serve: warning: a query worker could not be cut off from the network (no network namespace);"
            " SERVICE clauses are refused by a textual check only",
            file=sys.stderr,
        )
    limit = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = os.fdopen(os.dup(1), "wb")  # the replies' channel; anything else printed goes to stderr
    os.dup2(2, 1)
    try:
        store = Store.for_release(Path(folder)).store
    except SmekgError as err:
        send(out, Reply.text(500, str(err)))
        return
    send(out, Reply.text(200, "ready"))
    for line in sys.stdin.buffer:
        send(out, answer(store, json.loads(line)))


# The server side: runs in the server's event loop.


class WorkerDied(Exception):
    """The worker process ended while it held a query."""


class Worker:
    """One child process with the store loaded."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    @classmethod
    async def start(cls, release: Path, limits: Limits) -> Worker:
        """A worker with the release loaded; SmekgError when it cannot load it."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "smekg.querypool",
            str(release),
            str(limits.max_memory_mb),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process)
        try:
            ready = await worker.receive()
        except WorkerDied:
            ready = Reply.text(500, "the query worker ended while it loaded the release")
        if ready.status != 200:
            await worker.stop()
            raise fail("serve", release, f"a query worker could not start: {ready.body.decode('utf-8', 'replace')}")
        return worker

    async def receive(self) -> Reply:
        """The next reply from the worker; WorkerDied on end of output."""
        try:
            header = json.loads(await self.process.stdout.readline())
            body = await self.process.stdout.readexactly(header["length"])
        except (asyncio.IncompleteReadError, json.JSONDecodeError, ValueError) as err:
            raise WorkerDied() from err
        return Reply(header["status"], header["media"], body)

    async def ask(self, request: dict) -> Reply:
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            await self.process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as err:
            raise WorkerDied() from err
        return await self.receive()

    async def stop(self) -> None:
        """Kill the process (a query in it dies with it) and reap it."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


class Pool:
    """Worker processes, each running one query at a time within the limits."""

    def __init__(self, release: Path, limits: Limits):
        self.release = release
        self.limits = limits
        self.idle: asyncio.LifoQueue[Worker] = asyncio.LifoQueue()  # the worker used last is the warmest
        self.workers: set[Worker] = set()
        self.admitted = 0  # queries running or waiting for a worker
        self.tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        """Start every worker; SmekgError if one cannot load the release."""
        for worker in await asyncio.gather(
            *(Worker.start(self.release, self.limits) for _ in range(self.limits.workers))
        ):
            self.add(worker)

    def add(self, worker: Worker) -> None:
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(worker.stop() for worker in self.workers))

    async def run(self, request: dict) -> Reply:
        """The worker's reply to the request (its answer capped at max_bytes unless it gives its own "cap"); a 503
        when as many queries as the limits allow are running or waiting, when no worker frees up within the timeout,
        or when the query runs past it."""
        limits = self.limits
        if self.admitted >= limits.workers + limits.queue:
            return Reply.text(
                503,
                f"busy: {limits.workers} queries are running and {limits.queue} waiting, the most this server allows;"
                " try again",
            )
        self.admitted += 1
        try:
            try:
                async with asyncio.timeout(limits.timeout):  # a timer; wait_for would also start a task
                    worker = await self.idle.get()
            except TimeoutError:
                return Reply.text(503, f"busy: no query worker became free within {limits.timeout:g} s; try again")
            return await self.on(worker, {"cap": limits.max_bytes, **request})
        finally:
            self.admitted -= 1

    async def on(self, worker: Worker, request: dict) -> Reply:
        """Run the request on the worker within the timeout; a worker that overruns or dies is replaced."""
        limits = self.limits
        try:
            async with asyncio.timeout(limits.timeout):
                reply = await worker.ask(request)
        except TimeoutError:
            self.replace(worker)
            return Reply.text(503, f"the query ran past this server's limit of {limits.timeout:g} s and was stopped")
        except WorkerDied:
            self.replace(worker)
            return Reply.text(
                500, f"the query ended its worker process (over the memory limit of {limits.max_memory_mb} MB?)"
            )
        except asyncio.CancelledError:
            self.replace(worker)
            raise
        self.idle.put_nowait(worker)
        return reply

    def replace(self, worker: Worker) -> None:
        """Kill the worker and start another in the background."""
        self.workers.discard(worker)
        task = asyncio.create_task(self.renew(worker))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def renew(self, worker: Worker) -> None:
        await worker.stop()
        try:
            self.add(await Worker.start(self.release, self.limits))
        except SmekgError as err:
            print(f"smekg serve: a query worker could not be restarted: {err}", file=sys.stderr)


if __name__ == "__main__":
    worker_main(*sys.argv[1:])
