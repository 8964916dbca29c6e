"""SPARQL servers on 127.0.0.1 for the tests, loaded with the full release and its direct view: Oxigraph (read-only)
and a private Virtuoso instance (Debian's virtuoso-opensource), each in a temporary folder, stopped at the end."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

RELEASE_FILES = ("smekg-full.nt", "smekg-direct.nt")
GRAPH = "https://w3id.org/smekg/release"

VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(process: subprocess.Popen, url: str, log: Path | None = None, seconds: float = 60) -> None:
    """Wait until the server answers ASK {} at url; fail (and kill it) if it exits or takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = log.read_text(errors="replace")[-800:] if log and log.exists() else ""
                pytest.fail(f"the SPARQL server at {url} did not start: {said}")
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def oxigraph_server(release_dir: Path, folder: Path, names: tuple[str, ...] = RELEASE_FILES) -> Iterator[str]:
    """A read-only Oxigraph server with these files of the release loaded; yields its base URL."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server (PyPI package 'oxigraph') is not installed")
    files = [str(release_dir / name) for name in names]
    subprocess.run([binary, "load", "--location", str(folder), "--file", *files], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(process, f"{base}/query")
    yield base
    stop(process)


def virtuoso_server(release_dir: Path, folder: Path) -> Iterator[str]:
    """A private Virtuoso on 127.0.0.1 whose files all live in folder, with the release loaded into one graph;
    yields the query URL that makes that graph the default one (its own graphs would otherwise join the answers)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.fail("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    for name in RELEASE_FILES:
        shutil.copy(release_dir / name, folder)
    sql, http = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(process, f"http://127.0.0.1:{http}/sparql", folder / "virtuoso.log")
        load = f"ld_dir('{folder}', '*.nt', '{GRAPH}'); rdf_loader_run(); checkpoint;"
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={load}"], check=True, capture_output=True)
        yield f"http://127.0.0.1:{http}/sparql?" + urllib.parse.urlencode({"default-graph-uri": GRAPH})
    finally:
        stop(process)
