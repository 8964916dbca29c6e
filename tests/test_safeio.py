"""Atomic writes keep the file's mode and never leave a part; locks exclude; network reads have a deadline."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from smekg.errors import SmekgError
from smekg.safeio import NetworkLimit, atomic_write, file_lock, read_capped, with_deadline


def test_atomic_write_keeps_the_mode_and_leaves_no_temporary(tmp_path: Path):
    path = tmp_path / "a.ttl"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write(path, "new")
    assert path.read_text() == "new" and path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.ttl"]


def test_atomic_write_in_a_read_only_folder_is_a_finding_and_keeps_the_file(tmp_path: Path, monkeypatch):
    path = tmp_path / "a.ttl"
    path.write_text("old")

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)  # as root, chmod cannot make a folder read-only
    with pytest.raises(SmekgError, match="a.ttl.*not written \\(read-only file system\\)"):
        atomic_write(path, "new")
    assert path.read_text() == "old"


def test_atomic_write_on_a_full_disk_is_a_finding_and_keeps_the_file(tmp_path: Path, monkeypatch):
    path = tmp_path / "a.ttl"
    path.write_text("old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SmekgError, match="no space left on device"):
        atomic_write(path, "new")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.ttl"]


def test_a_held_lock_makes_a_second_holder_wait_or_fail(tmp_path: Path):
    lock = tmp_path / ".lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl,os,time; f=os.open({str(lock)!r}, os.O_RDWR|os.O_CREAT); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(SmekgError, match="another build is running"), file_lock(lock, "build", wait=0.3):
            pass
    finally:
        holder.kill()
        holder.wait()
    with file_lock(lock, "build", wait=0.3):
        assert lock.exists()


class Dribble(io.RawIOBase):
    """A stream that gives one byte per read, slowly, forever."""

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        time.sleep(0.05)
        return b"x"


def test_read_capped_stops_a_dribbling_stream_at_the_deadline():
    started = time.monotonic()
    with pytest.raises(NetworkLimit, match="deadline"):
        read_capped(Dribble(), time.monotonic() + 0.5, 10**9)
    assert time.monotonic() - started < 2


def test_read_capped_refuses_an_answer_over_the_limit():
    with pytest.raises(NetworkLimit, match="larger than the limit of 10 bytes"):
        read_capped(io.BytesIO(b"x" * 11), time.monotonic() + 5, 10)
    assert read_capped(io.BytesIO(b"x" * 10), time.monotonic() + 5, 10) == b"x" * 10


def test_with_deadline_returns_raises_or_gives_up():
    assert with_deadline(lambda: 3, 1) == 3
    with pytest.raises(ZeroDivisionError):
        with_deadline(lambda: 1 / 0, 1)
    with pytest.raises(NetworkLimit, match="0.2 s"):
        with_deadline(lambda: time.sleep(5), 0.2)
