"""Safe input and output: atomic file writes that keep the file's mode, advisory locks, and network reads
with a total deadline and a size cap. Every failure is a SmekgError naming the file or URL."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from .errors import fail, os_problem

T = TypeVar("T")


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (0o666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes | str, step: str = "writing") -> None:
    """Replace path by data all at once: a temporary file beside it, flushed to disk, then renamed over it.

    The file keeps its mode (a new file gets the umask's); on any failure path is untouched and the temporary
    file is removed. A reader sees the old content or the new, never a part."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    except OSError as err:
        raise fail(step, path, f"cannot read the file's mode: {os_problem(err)}") from None
    import tempfile  # here: a one-shot `smekg query` writes nothing and starts 5 ms sooner without it

    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
        sync_folder(path.parent)
    except OSError as err:
        raise fail(step, path, f"not written ({os_problem(err)}); the file is unchanged") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def file_lock(lock_path: Path, what: str, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on lock_path (created if missing, never deleted) for the block.

    wait=None waits as long as it takes; otherwise wait up to that many seconds, then fail saying that another
    run holds the lock. The lock is released when the process ends, however it ends."""
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise fail("locking", lock_path, f"cannot create the lock file: {os_problem(err)}") from None
    try:
        acquire(handle, lock_path, what, wait)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def acquire(handle: int, lock_path: Path, what: str, wait: float | None) -> None:
    """Take the lock on handle, blocking or polling until wait seconds have passed."""
    if wait is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    give_up = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                raise fail("locking", lock_path, f"cannot lock: {os_problem(err)}") from None
        if time.monotonic() >= give_up:
            raise fail("locking", lock_path, f"another {what} is running (it holds this lock); try again when it ends")
        time.sleep(0.1)


@dataclass(frozen=True)
class Limits:
    """How long and how much an endpoint may take: seconds to connect, seconds in all, bytes of answer (used by
    endpoint.py; kept here so that the command line has the defaults without importing the network modules)."""

    connect: float = 10.0
    total: float = 120.0
    max_bytes: int = 100_000_000


@dataclass(frozen=True)
class ServerLimits:
    """What one query may take (seconds, bytes of answer, megabytes of memory per worker) and how many queries
    run at once (workers) or wait for a worker (queue) before `smekg serve` answers 503 (used by querypool.py; kept here
    so that the command line has the defaults without importing the server)."""

    timeout: float = 30.0
    max_bytes: int = 50_000_000
    max_memory_mb: int = 2048
    workers: int = 2
    queue: int = 64


class NetworkLimit(Exception):
    """A network answer that took too long or was too big; the message says which."""


def read_capped(stream: IO[bytes], deadline: float, limit: int) -> bytes:
    """Read a response body until EOF, at most limit bytes and until time.monotonic() reaches deadline.

    Reads one chunk at a time (read1), so a server that dribbles bytes cannot stretch the deadline by more
    than one socket timeout."""
    chunks: list[bytes] = []
    size = 0
    reader = getattr(stream, "read1", stream.read)
    while True:
        if time.monotonic() > deadline:
            raise NetworkLimit("the answer did not arrive before the deadline")
        chunk = reader(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise NetworkLimit(f"the answer is larger than the limit of {limit:,} bytes")
        chunks.append(chunk)


def with_deadline(call: Callable[[], T], seconds: float) -> T:
    """call() run in a worker thread; NetworkLimit if it has not returned within seconds.

    For blocking calls (connecting, reading headers) that a socket timeout alone cannot bound: the caller gets
    its answer or the error by the deadline; an abandoned worker ends at its own socket timeout."""
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise NetworkLimit(f"no answer within the deadline of {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
