"""Release artifacts, written atomically: a failed build leaves the previous release intact."""

from __future__ import annotations

import glob
import heapq
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .direct import DIRECT_FILES, write_direct_view
from .errors import SmekgError, fail, os_problem
from .identity import release_header, set_aside_header
from .owners import owner_pid, process_alive, tagged
from .project import RELEASE_STORE
from .safeio import file_lock
from .vocab import PREFIXES

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "owl": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}
VARIANTS = ("base", "full")


def artifact_names() -> list[str]:
    """File names of every release artifact, e.g. smekg-full.owl."""
    return [f"smekg-{variant}.{ext}" for variant in VARIANTS for ext in FORMATS]


RUN_LINES = 1_000_000  # lines sorted in memory at a time (about 200 MB); longer inputs spill sorted runs to disk


def unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted lines without repeats."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def write_lines(lines: Iterable[bytes], path: Path) -> int:
    """Write lines (each ending in a newline) to path; how many."""
    count = 0
    with path.open("wb", buffering=1 << 20) as out:
        for line in lines:
            out.write(line)
            count += 1
    return count


def sort_unique(
    lines: Iterable[bytes], dest: Path, blank: list[bytes] | None = None, run_lines: int = RUN_LINES
) -> int:
    """Write the distinct lines to dest in byte order and return how many; with blank given, the lines that may
    hold a blank node are appended to it instead (see canonical_blank_nodes).

    An external merge sort: runs of run_lines are sorted in memory and spilled to temporary files beside dest,
    then merged, so memory stays bounded whatever the size of the graph.
    """
    lines = iter(lines)
    with tempfile.TemporaryDirectory(prefix=".runs-", dir=dest.parent) as tmp:
        runs: list[Path] = []
        while chunk := list(islice(lines, run_lines)):
            last = len(chunk) < run_lines
            if blank is not None:
                chunk = set_aside_blank(chunk, blank)
            if not runs and last:
                return write_lines(unique(sorted(chunk)), dest)
            runs.append(Path(tmp) / f"run-{len(runs)}")
            write_lines(unique(sorted(chunk)), runs[-1])
        with ExitStack() as stack:
            files = [stack.enter_context(run.open("rb")) for run in runs]
            return write_lines(unique(heapq.merge(*files)), dest)


def merge_unique(sources: list[Path | list[bytes]], dest: Path) -> int:
    """Sorted files or lists of lines as one file of distinct lines (the union), in byte order; how many lines."""
    with ExitStack() as stack:
        inputs = [stack.enter_context(s.open("rb")) if isinstance(s, Path) else s for s in sources]
        return write_lines(unique(heapq.merge(*inputs)), dest)


def has_blank(line: bytes) -> bool:
    """Whether an N-Triples line may hold a blank node (a literal with " _:" in it is a harmless false alarm)."""
    return line.startswith(b"_:") or b" _:" in line


def set_aside_blank(lines: list[bytes], blank: list[bytes]) -> list[bytes]:
    """The lines without those that may hold a blank node, which are appended to blank.

    Blank nodes are rare, so lines are first tested 4,096 at a time, joined, and only such a slice that has one
    is tested line by line."""
    kept: list[bytes] = []
    for start in range(0, len(lines), 4096):
        part = lines[start : start + 4096]
        if b"_:" in b"".join(part):
            blank += [line for line in part if has_blank(line)]
            part = [line for line in part if not has_blank(line)]
        kept += part
    return kept


def canonical_blank_nodes(base: list[bytes], inferred: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The base and inferred lines with blank nodes relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0).

    The labels Oxigraph draws differ from build to build; canonical ones make the release byte-stable. Both sets
    are canonicalized together (inferred lines in a named graph), so the two releases share one labelling.
    """
    inferred_graph = ox.NamedNode("urn:smekg:release:inferred")
    dataset = ox.Dataset(ox.parse(b"".join(base), format=ox.RdfFormat.N_TRIPLES))
    for q in ox.parse(b"".join(inferred), format=ox.RdfFormat.N_TRIPLES):
        dataset.add(ox.Quad(q.subject, q.predicate, q.object, inferred_graph))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def lines(graph: ox.NamedNode | ox.DefaultGraph) -> list[bytes]:
        triples = [q.triple for q in dataset.quads_for_graph_name(graph)]
        return sorted(set(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))

    return lines(ox.DefaultGraph()), lines(inferred_graph)


def write_formats(nt: Path, variant: str) -> None:
    """Write the variant's other formats beside its N-Triples file, streaming triples from it in file order.

    Oxigraph parses and serializes without a store, so memory stays small; the subjects come grouped because
    the lines are sorted, which gives compact Turtle.
    """
    for ext, rdf_format in FORMATS.items():
        if ext != "nt":
            triples = ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            ox.serialize(
                triples, output=str(nt.with_name(f"smekg-{variant}.{ext}")), format=rdf_format, prefixes=PREFIXES
            )


def write_triples(
    folder: Path, base: Iterable[bytes], inferred: Iterable[bytes], version: str | None = None
) -> dict[str, int]:
    """Write smekg-base.nt and smekg-full.nt into folder; the triple counts.

    base and inferred are N-Triples lines in any order, possibly repeated: the base release is the sorted distinct
    base lines, the full release adds the inferred ones; blank nodes get canonical labels. With a version, each
    release gets its own ontology header (see identity.py), made from the edit module's.
    """
    base_nt, full_nt = folder / "smekg-base.nt", folder / "smekg-full.nt"
    named_base, named_inferred, body = folder / ".base-named", folder / ".inferred-named", folder / ".body"
    base_blank: list[bytes] = []
    inferred_blank: list[bytes] = []
    header: list[bytes] = []
    if version is not None:
        base, inferred = set_aside_header(base, header), set_aside_header(inferred, header)
    sort_unique(base, named_base, base_blank)
    sort_unique(inferred, named_inferred, inferred_blank)
    canonical_base, canonical_inferred = canonical_blank_nodes(base_blank, inferred_blank)
    if version is not None:
        canonical_base = [*set_aside_header(canonical_base, header, blank=True)]
    merge_unique([named_base, canonical_base], body)
    headers = {variant: release_header(header, variant, version) if version else [] for variant in VARIANTS}
    counts = {"base triples": merge_unique([body, headers["base"]], base_nt)}
    counts["full triples"] = merge_unique([body, named_inferred, canonical_inferred, headers["full"]], full_nt)
    counts["inferred triples"] = counts["full triples"] - counts["base triples"]
    for work_file in (named_base, named_inferred, body):
        work_file.unlink()
    return counts


STEP = "writing the release"
REPORT = "build-report.json"
MARKER = ".smekg-release"  # written first into every release: `smekg build --out` replaces only such folders
MARKER_TEXT = "This folder is a smekg release: `smekg build` replaces all of it.\n"
WORK_FILES = (".runs-", ".base-named", ".inferred-named", ".body")  # what write_triples makes while it works
LOCK_WAIT = 1800.0  # seconds a build waits for another one writing the same release folder


def release_files() -> set[str]:
    """The names a release folder may hold (RELEASE_STORE is its one subfolder)."""
    return {*artifact_names(), *DIRECT_FILES, REPORT, MARKER, RELEASE_STORE}


def is_release(folder: Path) -> bool:
    """Whether folder holds a smekg release and nothing else: release files only (no subfolder but the store), with
    the marker, or (as builds before the marker wrote them) every artifact and the build report."""
    entries = list(folder.iterdir())
    names = {p.name for p in entries}
    only_files = all(p.is_symlink() or not p.is_dir() or p.name == RELEASE_STORE for p in entries)
    complete = MARKER in names or names >= {*artifact_names(), REPORT}
    return only_files and names <= release_files() and complete


def refuse_non_release(out_dir: Path) -> None:
    """Raise a SmekgError unless out_dir is missing, empty or a smekg release, the only folders a build replaces."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not out_dir.is_dir():
        raise fail("build", out_dir, "is not a folder; choose a new or empty folder for the release")
    entries = sorted(p.name for p in out_dir.iterdir())
    if entries and not is_release(out_dir):
        sample = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
        raise fail(
            "build",
            out_dir,
            f"is not a smekg release (it holds {sample}); a build replaces only a release folder, so nothing "
            "was changed: choose a new or empty folder",
        )


def lock_path(out_dir: Path) -> Path:
    """The lock file beside the release folder, held while a build writes or repairs it."""
    return out_dir.with_name(f".{out_dir.name}.lock")


@contextmanager
def release_lock(out_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the release folder's lock for the block; if another build holds it, call waiting() and wait for it
    (up to LOCK_WAIT seconds, then a SmekgError saying that another build is running)."""
    lock, what = lock_path(out_dir), f"smekg build writing {out_dir}"
    lock.touch()  # a read-only or full disk fails here, not as a lock that seems busy
    with ExitStack() as stack:
        try:
            stack.enter_context(file_lock(lock, what, wait=0))
        except SmekgError:
            waiting()
            stack.enter_context(file_lock(lock, what, wait=LOCK_WAIT))
        yield


@contextmanager
def release_faults(out_dir: Path) -> Iterator[None]:
    """A disk fault or an oversized term while writing out_dir becomes a SmekgError naming it."""
    try:
        yield
    except OSError as err:
        raise fail(STEP, out_dir, f"not written ({os_problem(err)}); the previous release is intact") from None
    except MemoryError as err:
        why = f"a literal or IRI is too large for Oxigraph ({err})"
        raise fail(STEP, out_dir, f"not written: {why}; the previous release is intact") from None


def leftovers(out_dir: Path) -> list[tuple[str, Path]]:
    """The retired (.NAME.old-PID) and staging (.NAME.tmp-PID-…) folders of builds that no longer run, as
    ("old" or "tmp", path).

    Called under the release lock, so a folder tagged with this process's own id is a leftover too."""
    found = []
    for kind in ("old", "tmp"):
        prefix = f".{out_dir.name}.{kind}-"
        for path in sorted(out_dir.parent.glob(f"{glob.escape(prefix)}*")):
            pid = owner_pid(path.name, prefix)
            if pid is not None and (pid == os.getpid() or not process_alive(pid)):
                found.append((kind, path))
    return found


def recover(out_dir: Path) -> None:
    """Finish what killed builds left: put back a retired release if a kill came between the two renames of the
    swap (no release in place), and remove their staging and retired folders (only ones that hold our files)."""
    for kind, path in leftovers(out_dir):
        if path.is_symlink() or not path.is_dir():
            continue
        names = {p.name for p in path.iterdir()}
        if kind == "old" and not out_dir.exists() and is_release(path):
            os.replace(path, out_dir)
        elif MARKER in names or names <= release_files():
            remove_release_folder(path)


def ours(name: str) -> bool:
    """Whether a file in a release or staging folder is one a build writes there."""
    return name in release_files() or name.startswith(WORK_FILES)


def remove_release_folder(folder: Path) -> None:
    """Remove a release or staging folder: only the files a build writes, its marker last, so that a removal cut
    short leaves a folder still recognisably ours; a folder that holds anything else is left in place."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in folder.iterdir():
        if entry.name == MARKER or not ours(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if all(entry.name == MARKER for entry in folder.iterdir()):
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()


def prepare_release(out_dir: Path, waiting: Callable[[], None] = lambda: None) -> None:
    """Before a build: refuse an out_dir that is not a release, then repair what killed builds left beside it."""
    out_dir = out_dir.resolve()
    with release_faults(out_dir):
        refuse_non_release(out_dir)
        if out_dir.parent.is_dir():
            with release_lock(out_dir, waiting):
                recover(out_dir)


def write_release(
    out_dir: Path,
    base: Iterable[bytes],
    inferred: Iterable[bytes],
    report: dict,
    waiting: Callable[[], None] = lambda: None,
    version: str | None = None,
) -> tuple[list[Path], dict[str, int]]:
    """Write every artifact into a temporary sibling folder, then swap it into place; the artifacts and counts.

    With a version (YYYY-MM-DD), each artifact gets its release identity (identity.py). Under the release lock
    (waiting() is called if another build holds it); a disk fault or an oversized literal is a SmekgError and the
    previous release stays."""
    out_dir = out_dir.resolve()
    with release_faults(out_dir):
        refuse_non_release(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with release_lock(out_dir, waiting):
            recover(out_dir)
            refuse_non_release(out_dir)
            counts = write_staged(out_dir, base, inferred, report, version)
        return sorted(out_dir.iterdir()), counts


def write_staged(
    out_dir: Path, base: Iterable[bytes], inferred: Iterable[bytes], report: dict, version: str | None
) -> dict[str, int]:
    """Write the release into a new staging folder beside out_dir and swap it in; the counts."""
    staging = Path(tempfile.mkdtemp(prefix=tagged(f".{out_dir.name}.tmp-"), dir=out_dir.parent))
    try:
        staging.chmod(0o755)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        counts = write_triples(staging, base, inferred, version)
        for variant in VARIANTS:
            write_formats(staging / f"smekg-{variant}.nt", variant)
        write_views(staging, counts)
        report = {**report, "counts": counts}
        (staging / REPORT).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        swap_into_place(staging, out_dir)
    finally:
        remove_release_folder(staging)
    return counts


def write_views(staging: Path, counts: dict[str, int]) -> None:
    """Write the views derived from the full release beside it (the direct view, see direct.py), then the store
    that holds both; add their counts."""
    counts["direct triples"] = write_direct_view(staging)
    write_store(staging)


def write_store(staging: Path) -> None:
    """Write the full release and its direct view into a persistent Oxigraph store, staging/RELEASE_STORE, which
    `smekg query` opens read-only: it answers at once at any size, where loading the release takes a second per
    100 k triples. Written with the rest of the release, it is swapped into place with it."""
    store = ox.Store(str(staging / RELEASE_STORE))
    for name in ("smekg-full.nt", DIRECT_FILES[0]):
        store.bulk_load(path=str(staging / name), format=ox.RdfFormat.N_TRIPLES)
    store.optimize()
    del store  # closes the database: a store is opened read-only only once its writer is gone


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with renames only, so readers never see a half release.

    An interruption between the two renames puts the old release back; a kill there leaves it in
    .NAME.old-PID, which the next build's recover() puts back."""
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if retired.exists() and not out_dir.exists():
            os.replace(retired, out_dir)
        raise
    remove_release_folder(retired)
