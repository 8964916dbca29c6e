"""Refresh the snapshots of the canned queries' answers in this folder (see tests/querysnap.py).

    PYTHONPATH=src python tests/snapshots/refresh.py           # print every difference; write only new snapshots
    PYTHONPATH=src python tests/snapshots/refresh.py --accept  # also overwrite the snapshots that differ

Builds the release from this checkout into a temporary folder and runs every canned query on it. Without
--accept a snapshot that differs is left as it is and the exit status is 1: accept a difference only knowingly,
and list it, with the reason the new answer states the same facts, in your note.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from querysnap import FOLDER, ROOT, refresh  # noqa: E402
from smekg import Project, Store, build  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accept", action="store_true", help="overwrite the snapshots that differ")
    accept = parser.parse_args().accept
    project = Project(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        release = build(project, Path(folder) / "release")
        store = Store.for_release(release.release_dir)
    return refresh(store, project, FOLDER, accept)


if __name__ == "__main__":
    sys.exit(main())
