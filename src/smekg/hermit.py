"""HermiT, the complete OWL 2 DL reasoner smekg falls back on: for what Konclude does not support (datatype
definitions, keys) and where Konclude is not installed. Slower: a JVM, ~45 s on the real graph.

It runs as java/HermitEntail.java with the HermiT jar that owlready2 ships, killed with this process: once per
ontology (entail), or as a Session that answers many questions in one JVM (an explanation asks dozens)."""

from __future__ import annotations

import os
import selectors
import subprocess
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from .errors import fail
from .jvm import compiled, dies_with_parent, java_command
from .konclude import Answer
from .resources import package_path

PROGRAM = package_path("java", "HermitEntail.java")
MEMORY = os.environ.get("SMEKG_JAVA_MEMORY", "4g")
DEADLINE_S = float(os.environ.get("SMEKG_REASONER_TIMEOUT", "900"))
NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


class GaveUp(Exception):
    """HermiT did not answer a Session's request in time (the session is then closed)."""


def hermit_jar() -> Path:
    """The HermiT jar inside the owlready2 package."""
    return Path(str(files("owlready2") / "hermit" / "HermiT.jar"))


def command(*args: str) -> list[str]:
    """How to start HermitEntail with these arguments."""
    java = java_command("reasoning")
    return [java, f"-Xmx{MEMORY}", *compiled(PROGRAM, str(hermit_jar()), "reasoning"), *args]


def entail(path: Path, owx: Path | None = None) -> Answer:
    """Classify and realise an ontology file (N-Triples, RDF/XML or OWL/XML) with HermiT, object property values
    included; with owx, also save the ontology there in OWL/XML as the OWL API read it."""
    try:
        done = subprocess.run(
            command(str(path), *([str(owx)] if owx else [])),
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            preexec_fn=dies_with_parent(),
        )
    except subprocess.TimeoutExpired:
        raise fail("reasoning", "HermiT", f"did not finish in {DEADLINE_S:.0f} s (SMEKG_REASONER_TIMEOUT)") from None
    if done.returncode != 0:
        raise fail("reasoning", "HermiT", f"Java failed: {java_error(done.stderr)}")
    return answer(done.stdout.splitlines())


def java_error(stderr: str) -> str:
    """What Java wrote to stderr, up to the stack trace (the exception's own message, e.g. HermiT's refusal of a
    non-simple property), on one line; at most its last 500 characters."""
    return " ".join(stderr.split("\n\tat ")[0].split())[-500:]


def answer(lines: list[str]) -> Answer:
    """Read HermitEntail's lines (see its header)."""
    if lines[:1] == ["INCONSISTENT"]:
        return Answer(False)
    result = Answer(True)
    for line in lines:
        kind, *iris = line.split(" ")
        if kind == "SUB":
            result.direct.add((iris[0], iris[1]))
        elif kind == "EQ":
            result.equivalent.append(set(iris))
        elif kind == "TYPE":
            result.types.add((iris[0], iris[1]))
        elif kind == "VALUE":
            result.values.add((iris[0], iris[1], iris[2]))
    return result


class Session:
    """One HermiT JVM that answers request after request (HermitEntail --serve), each within its own deadline, each
    on a fresh OWL API manager and reasoner; killed when the `with` block ends, or with this process. Start it from
    a thread that outlives it (see jvm.dies_with_parent)."""

    def __enter__(self) -> Session:
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: Java's warnings can never block it
        self.process = subprocess.Popen(
            command("--serve"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            preexec_fn=dies_with_parent(),
        )
        self.pending = b""
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """End the JVM (at once: it holds nothing to save)."""
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            stream.close()

    def entail(self, path: Path, seconds: float = DEADLINE_S) -> Answer:
        """As entail(path) does, in this session."""
        return answer(self.ask(["entail", str(path)], seconds))

    def consistent(self, path: Path, seconds: float = DEADLINE_S) -> bool:
        """Whether the ontology in path is consistent."""
        return self.ask(["consistent", str(path)], seconds) == ["CONSISTENT"]

    def satisfiable(self, path: Path, cls: str, seconds: float = DEADLINE_S) -> bool:
        """Whether the ontology in path is consistent and the named class satisfiable in it."""
        return self.ask(["satisfiable", str(path), cls], seconds) == ["SATISFIABLE"]

    def ask(self, request: list[str], seconds: float) -> list[str]:
        """HermiT's answer lines to one request; GaveUp (the session closed) unless it comes within seconds."""
        if any(c in field for field in request for c in "\t\n\r"):
            raise fail("reasoning", "HermiT", f"cannot ask HermiT about {request[1:]!r}: a tab or line break in it")
        try:
            self.process.stdin.write("\t".join(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise self.failed() from None
        lines = self.read_answer(time.monotonic() + seconds)
        if lines is None:
            self.close()
            raise GaveUp(f"HermiT did not answer in {seconds:.0f} s")
        if lines[-1:] and lines[-1].startswith("ERROR "):
            raise fail("reasoning", "HermiT", f"Java failed: {lines[-1].removeprefix('ERROR ')[:500]}")
        return lines

    def read_answer(self, deadline: float) -> list[str] | None:
        """The lines up to the next END, or None at the deadline."""
        stdout = self.process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while (end := self.pending.find(b"\nEND\n")) < 0 and not self.pending.startswith(b"END\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(stdout.fileno(), 1 << 16)
                if not chunk:
                    raise self.failed()
                self.pending += chunk
        if end < 0:  # an empty answer
            self.pending = self.pending[4:]
            return []
        text, self.pending = self.pending[:end], self.pending[end + 5 :]
        return text.decode().splitlines()

    def failed(self) -> Exception:
        """A finding for a JVM that ended (it answers nothing more), with the end of what it wrote to stderr."""
        self.process.wait()
        self.errors.seek(0)
        said = java_error(self.errors.read().decode(errors="replace"))
        return fail("reasoning", "HermiT", f"Java failed (exit {self.process.returncode}): {said}")
