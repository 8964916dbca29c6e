"""`smekg build` never loses data: it replaces only a release folder, a kill at any moment leaves the old or the
new release (the next run repairs the swap and removes the litter), the Java child dies with the build, and two
builds into one folder take turns."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clirun import child_env, smekg, smekg_in_process
from smekg.owners import REASON_PREFIX, remove_dead_owners_folders
from smekg.release import artifact_names, prepare_release, release_files, release_lock, write_release

OLD = [b"<urn:s> <urn:p> <urn:old> .\n"]
NEW = [b"<urn:s> <urn:p> <urn:new> .\n", b"<urn:s> <urn:p> <urn:other> .\n"]
NEW_ENTRY = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

kg:test-new-cluster a smekg:Cluster ; rdfs:label "A cluster added between two builds"@en .
"""


def tree(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every file and folder under folder: mode and bytes (None for a folder)."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_mode, None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


def artifacts(folder: Path) -> dict[str, bytes]:
    """The release artifacts' bytes (the build report holds timings, so it differs from build to build)."""
    return {name: (folder / name).read_bytes() for name in artifact_names()}


def litter(out: Path) -> list[str]:
    """What builds left beside the release folder, other than its lock file."""
    prefix = f".{out.name}."
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(prefix) and p.name != f"{prefix}lock")


# --- only a release folder is ever replaced -----------------------------------------------------------------


@pytest.mark.parametrize("target", ["a copy of the ontology folder", "a folder with one unrelated file", "."])
def test_build_refuses_a_folder_that_is_not_a_release_and_leaves_it_byte_identical(project_copy, tmp_path, target):
    if target == ".":
        out = project_copy.root
    elif target.startswith("a copy"):
        out = tmp_path / "ontology-copy"
        shutil.copytree(project_copy.root / "ontology", out)
    else:
        out = tmp_path / "mine"
        out.mkdir()
        (out / "notes.txt").write_text("my own notes\n")
    before, beside = tree(out), sorted(os.listdir(out.parent))
    done = smekg_in_process("build", "--root", project_copy.root, "--out", "." if target == "." else out, cwd=out)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{out}: error: is not a smekg release" in done.stderr
    assert tree(out) == before and sorted(os.listdir(out.parent)) == beside


def test_a_release_of_the_previous_version_a_new_or_an_empty_folder_is_written(tmp_path):
    legacy = tmp_path / "legacy"  # what builds wrote before the marker: the artifacts and the report
    legacy.mkdir()
    for name in [*artifact_names(), "build-report.json"]:
        (legacy / name).write_text("old\n")
    (tmp_path / "empty").mkdir()
    for out in (legacy, tmp_path / "empty", tmp_path / "new" / "release"):
        write_release(out, OLD, [], {})
        assert {p.name for p in out.iterdir()} == release_files()
        assert (out / "smekg-base.nt").read_bytes() == OLD[0] and litter(out) == []


# --- a kill at any moment ------------------------------------------------------------------------------------

KILLER = """
import os, pathlib, signal, sys
from smekg import release

out, event, at = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
seen = {"write_formats": 0, "replace": 0, "unlink": 0}


def killing(name, real):
    def call(*args, **kwargs):
        if name != "unlink" or seen["replace"] == 2:  # unlinks count once the retired release is being removed
            seen[name] += 1
        if name == event and seen[name] == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call


release.write_formats = killing("write_formats", release.write_formats)
release.os.replace = killing("replace", os.replace)
pathlib.Path.unlink = killing("unlink", pathlib.Path.unlink)
release.write_release(out, [b"<urn:s> <urn:p> <urn:new> .\\n", b"<urn:s> <urn:p> <urn:other> .\\n"], [], {})
"""


@pytest.mark.parametrize(
    ("event", "at", "survivor"),
    [
        ("write_formats", 1, "old"),  # while the staging folder is written
        ("replace", 1, "old"),  # the new release is complete, nothing swapped yet
        ("replace", 2, "old"),  # between the two renames: no release in place, the old one retired
        ("unlink", 4, "new"),  # the new release in place, the retired one half removed
    ],
)
def test_a_build_killed_during_the_swap_is_repaired_by_the_next_run(tmp_path, event, at, survivor):
    out = tmp_path / "out"
    write_release(out, OLD, [], {})
    old = artifacts(out)
    killed = subprocess.run([sys.executable, "-c", KILLER, str(out), event, str(at)], env=child_env(), timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert litter(out), "the kill left a staging or retired folder"
    prepare_release(out)  # what every build does first
    assert litter(out) == []
    if survivor == "old":
        assert artifacts(out) == old
    else:
        assert (out / "smekg-base.nt").read_bytes() == b"".join(sorted(NEW))
    write_release(out, NEW, [], {})
    assert {p.name for p in out.iterdir()} == release_files() and litter(out) == []


def test_a_release_left_aside_by_a_build_of_the_previous_version_is_put_back(tmp_path):
    """Builds before this fix, killed between the renames, left no out/ and the release in .out.old-PID."""
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    retired = tmp_path / f".out.old-{gone.pid}"
    retired.mkdir()
    for name in [*artifact_names(), "build-report.json"]:
        (retired / name).write_text(f"{name}\n")
    prepare_release(tmp_path / "out")
    assert (tmp_path / "out" / "smekg-full.owl").read_text() == "smekg-full.owl\n"
    assert litter(tmp_path / "out") == []


KILLS = 6


@pytest.mark.slow
def test_real_builds_killed_at_random_moments_leave_the_old_or_the_new_release(release, small_copy, tmp_path):
    """The old release is the session's (the real graph); the new one a build of a small project plus an entry."""
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    shutil.copytree(release.release_dir, out)
    env = child_env(TMPDIR=str(temp))
    command = ["build", "--root", small_copy.root, "--out", out]
    old = artifacts(out)
    (small_copy.knowledge_dir / "zz-new.ttl").write_text(NEW_ENTRY, encoding="utf-8")
    started = time.monotonic()
    assert smekg("build", "--root", small_copy.root, "--out", tmp_path / "reference", env=env).returncode == 0
    duration = time.monotonic() - started
    new = artifacts(tmp_path / "reference")
    assert new != old
    rng = random.Random()
    argv = [sys.executable, "-m", "smekg", *map(str, command)]
    for i in range(KILLS):
        build = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
        moment = duration * (i + rng.random()) / KILLS
        time.sleep(moment)
        build.kill()
        build.wait()
        prepare_release(out)
        assert artifacts(out) in (old, new), f"killed after {moment:.2f} s"
        assert litter(out) == [], f"killed after {moment:.2f} s"
    done = smekg(*command, env=env)
    assert done.returncode == 0 and artifacts(out) == new and litter(out) == []
    assert os.listdir(temp) == [], "the reasoner's temporary folders of killed builds are removed"


def test_only_the_reasoner_folders_of_dead_builds_are_removed(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    names = [f"smekg-reason-{gone.pid}-x1", f"smekg-reason-{os.getpid()}-x2", "smekg-reason-k3j4h5g6", "other"]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "input.nt").write_text("")
    remove_dead_owners_folders(tmp_path, REASON_PREFIX)
    assert sorted(os.listdir(tmp_path)) == sorted(names[1:])


# --- the Java child dies with the build ----------------------------------------------------------------------

FOREVER = "class Forever { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }\n"


def forever_children(pid: int) -> list[int]:
    """The children of pid that run Forever.java (the build has other, short-lived children, such as git)."""
    found = []
    for child in children(pid):
        try:
            if b"Forever.java" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


def children(pid: int) -> list[int]:
    """The ids of the live processes whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float = 60.0) -> bool:
    """Poll condition() until it is true or seconds have passed (a "did not hang" bound, not a timing)."""
    give_up = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > give_up:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("java"), reason="Linux and Java")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.slow
def test_the_reasoner_children_die_with_the_build(small_project, tmp_path, how):
    """A JVM that never ends stands in for a Konclude run that would take ten minutes: none may outlive the build."""
    bin_dir, temp = tmp_path / "bin", tmp_path / "tmp"
    bin_dir.mkdir()
    temp.mkdir()
    (tmp_path / "Forever.java").write_text(FOREVER)
    (bin_dir / "Konclude").write_text(f"#!/bin/sh\nexec {shutil.which('java')} {tmp_path / 'Forever.java'}\n")
    (bin_dir / "Konclude").chmod(0o755)
    env = child_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TMPDIR=str(temp))
    command = [
        sys.executable,
        "-m",
        "smekg",
        "build",
        "--root",
        str(small_project.root),
        "--out",
        str(tmp_path / "out"),
    ]
    build = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    reasoners: list[int] = []
    try:
        assert wait_for(lambda: len(forever_children(build.pid)) == 3, 300), "the build started no reasoner"
        reasoners = forever_children(build.pid)
        build.send_signal(how)
        status = build.wait(timeout=60)
        assert wait_for(lambda: not any(alive(pid) for pid in reasoners)), "a reasoner outlived the build"
    finally:
        build.kill()
        build.wait()
        for pid in reasoners:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    if how == signal.SIGTERM:  # the build ends as on Ctrl-C: its cleanup ran
        assert status == 128 + signal.SIGTERM and "Traceback" not in build.stderr.read()
        assert os.listdir(temp) == [] and litter(tmp_path / "out") == []


# --- two builds at once --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_into_one_folder_take_turns(small_project, tmp_path):
    out = tmp_path.resolve() / "out"
    logs = [tmp_path / f"build-{i}.log" for i in range(2)]
    command = [sys.executable, "-m", "smekg", "build", "--root", str(small_project.root), "--out", str(out)]
    with release_lock(out, lambda: None):  # a third build is writing this release: both must wait for it
        builds = []
        for log in logs:
            with log.open("w") as stderr:
                builds.append(subprocess.Popen(command, env=child_env(), stderr=stderr))
        waiting = wait_for(lambda: all("wait for another build" in log.read_text() for log in logs), 300)
    statuses = [b.wait(timeout=600) for b in builds]
    reports = [log.read_text() for log in logs]
    assert waiting, reports
    assert statuses == [0, 0] and not any("Traceback" in r for r in reports), reports
    assert {p.name for p in out.iterdir()} == release_files() and litter(out) == []
