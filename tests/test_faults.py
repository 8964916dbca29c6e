"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

import smekg.release
from conftest import cli_env
from smekg.cli import run
from smekg.errors import SmekgError
from smekg.owlapi import load_gate

# --- build and release ---------------------------------------------------------------------------------------


def release_copy(release, tmp_path: Path) -> Path:
    """A copy of the session's release, to build over."""
    out = tmp_path / "out"
    shutil.copytree(release.release_dir, out)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def one_finding(stderr: str, *words: str) -> None:
    """The report holds exactly one finding line, with every word in it, and no traceback."""
    assert "Traceback" not in stderr, stderr
    [line] = [line for line in stderr.splitlines() if ": error: " in line]
    assert all(word in line for word in words), line


def cli_in_process(monkeypatch, capsys, *args: object) -> tuple[int, str]:
    """Run `smekg ARGS` in this process (so monkeypatched faults apply); its exit status and stderr."""
    monkeypatch.setattr(sys, "argv", ["smekg", *map(str, args)])
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exited:
            run()
    finally:
        signal.signal(signal.SIGTERM, handler)
    return exited.value.code, capsys.readouterr().err


def test_build_on_a_full_disk_is_a_finding_and_keeps_the_release(project, release, tmp_path, monkeypatch, capsys):
    out = release_copy(release, tmp_path)
    before = snapshot(out)

    def disk_full(nt: Path, variant: str) -> None:
        nt.with_name(f"smekg-{variant}.ttl").write_bytes(b"@prefix smekg: <https://w3id.org/smek")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(smekg.release, "write_formats", disk_full)
    status, stderr = cli_in_process(monkeypatch, capsys, "build", "--root", project.root, "--out", out)
    assert status == 1
    one_finding(stderr, str(out), "no space left on device", "the previous release is intact")
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == [".out.lock", "out"]


def test_build_into_a_read_only_release_folder_is_a_finding_and_keeps_the_release(
    project, release, tmp_path, monkeypatch, capsys
):
    """The rename that puts the new release in place fails: the old one, already moved aside, goes back."""
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    rename = os.replace

    def read_only(source, target) -> None:
        if Path(source).name.startswith(".out.tmp-"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        rename(source, target)

    monkeypatch.setattr(os, "replace", read_only)
    status, stderr = cli_in_process(monkeypatch, capsys, "build", "--root", project.root, "--out", out)
    assert status == 1
    one_finding(stderr, str(out), "read-only file system", "the previous release is intact")
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == [".out.lock", "out"]


def test_a_literal_over_16_mb_is_a_finding_naming_file_line_and_entry(project_copy, tmp_path, smekg_cli):
    big = project_copy.knowledge_dir / "zz-big.ttl"
    text = '"' + "a" * (17 * 2**20) + '"'
    big.write_text(f"@prefix kg: <https://w3id.org/smekg/kg/> .\n\nkg:big\n    <urn:note> {text} .\n")
    done = smekg_cli("build", "--root", project_copy.root, "--out", tmp_path / "out")
    assert done.returncode == 1
    one_finding(done.stderr, "ontology/knowledge/zz-big.ttl:4: kg:big: error:", "17.0 MiB", "16 MiB")
    assert not (tmp_path / "out").exists()


def test_build_without_java_says_what_to_install_and_keeps_the_release(project, release, tmp_path, smekg_cli):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    (tmp_path / "bin").mkdir()
    done = smekg_cli("build", "--root", project.root, "--out", out, env=cli_env(PATH=str(tmp_path / "bin")))
    assert done.returncode == 1
    one_finding(done.stderr, "java", "default-jre-headless")
    assert snapshot(out) == before


def test_a_java_that_fails_is_a_finding(project, release, tmp_path, smekg_cli):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    (tmp_path / "bin").mkdir()
    java = tmp_path / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'Error occurred during initialization of VM' >&2\nexit 1\n")
    java.chmod(0o755)
    path = f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"
    done = smekg_cli("build", "--root", project.root, "--out", out, env=cli_env(PATH=path))
    assert done.returncode == 1
    one_finding(done.stderr, "HermiT", "Java failed", "Error occurred during initialization of VM")
    assert snapshot(out) == before


def test_owlapi_gate_without_java_says_what_to_install(release, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SmekgError, match="default-jre-headless") as failed:
        load_gate([release.release_dir / "smekg-full.owl"])
    assert len(failed.value.findings) == 1


# --- bibliography and import ----------------------------------------------------------------------------------


# (cases: non-UTF-8 .bib, CSL-JSON shapes, empty locator, no year/author, year 20x1, unclosed brace)


# --- queries and endpoints ------------------------------------------------------------------------------------


# (cases: non-UTF-8 .rq, CONSTRUCT/ASK, SERVICE, syntax error line, HTML 200, JSON without head, hung server)


# --- linking ---------------------------------------------------------------------------------------------------


# (cases: corrupt cache, wrong-shaped Wikidata answer, hung or dribbling server, oversized answer, redirect port)


# --- console output ----------------------------------------------------------------------------------------------


# (cases: console markup in source text)
