"""Build hooks: a wheel ships the project as released (src/smekg/shipping.py says what and how), an sdist carries
the same folders (MANIFEST.in); both refuse a missing or stale release. An editable install ships nothing: it
answers from the checkout."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from smekg.errors import SmekgError  # noqa: E402 (these modules use the standard library only)
from smekg.project import Project  # noqa: E402
from smekg.resources import DATA  # noqa: E402
from smekg.shipping import built_release, copy_project  # noqa: E402


class BuildWithData(build_py):
    """build_py that adds the project as released to the package as smekg/data (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            try:
                copy_project(Project(ROOT), Path(self.build_lib) / "smekg" / DATA)
            except SmekgError as error:
                sys.exit(str(error))


class SdistWithRelease(sdist):
    """sdist that refuses a missing or stale release (MANIFEST.in puts release/ in it)."""

    def run(self) -> None:
        try:
            built_release(Project(ROOT))
        except SmekgError as error:
            sys.exit(str(error))
        super().run()


setup(cmdclass={"build_py": BuildWithData, "sdist": SdistWithRelease})
