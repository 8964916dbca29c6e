"""Vendor the query editor's JavaScript and CSS (Yasqe and Yasr, MIT) and the accessibility checker the browser
tests inject (axe-core, MPL-2.0) from npm at pinned versions.

    python tools/vendor_assets.py          # fetch with `npm pack`, check, write src/smekg/serve_assets/vendor/
                                           # and tests/vendor/
    python tools/vendor_assets.py --check  # the committed files are exactly those of the pinned packages

Each package tarball must have the pinned sha512 integrity (as in package-lock files) and each file taken from it
the pinned sha256, so a changed package or a hand-edited file is refused. The server and its tests never reach a
CDN: these files are served from the package itself. To upgrade, change a version, run with --print-hashes, review
the diff of the built files and pin the new hashes."""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "src" / "smekg" / "serve_assets" / "vendor"  # served by smekg serve
TESTS = ROOT / "tests" / "vendor"  # used by the browser tests only

# package, version, tarball integrity (sha512, base64), {file in the tarball: sha256 (hex)}, folder to write to
PINS = [
    (
        "@zazuko/yasqe",
        "4.6.2",
        "83iCLuBIgU04KBIaibxZTjKvrXD6sEe/+aqsHxLb4+ZVD4eaUwh5hFJEetuWkiKBY6WxTjVOmhKXvh2AAOR14g==",
        {
            "package/build/yasqe.min.js": "288202e5f1c0195a71d1190b35c052ad5e5103e73d61455da029ffcacb7f9347",
            "package/build/yasqe.min.css": "f82256c2a56f83a5356abef88c760cff67da21e38873e744db73afaf08f285a2",
        },
        EDITOR,
    ),
    (
        "@zazuko/yasr",
        "4.6.2",
        "eiMaX6Uhc/yI42uMZin7RqgYAPZ8vGwyMRIAceO/RW7B6JuKA8KvvlgCrgag9AoGU8SC4Z9gQwQZ9SDUT6XUZA==",
        {
            "package/build/yasr.min.js": "a6196c11d6f5fbd2e5ee17f1d6060987464ef4683bca443d6bc1dffc2fcfaf84",
            "package/build/yasr.min.css": "9a10866de01aae904747bdb60b11bda35f5251447d846fc5ac68efac8790f53a",
        },
        EDITOR,
    ),
    (
        "axe-core",
        "4.14.1",
        "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        {"package/axe.min.js": "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"},
        TESTS,
    ),
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(package: str, version: str, integrity: str, folder: Path) -> Path:
    """The package's tarball, fetched by npm into folder; exits if its integrity is not the pinned one."""
    out = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--pack-destination", str(folder), "--silent"],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = folder / out.stdout.strip().splitlines()[-1]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        sys.exit(f"{package}@{version}: tarball integrity sha512-{digest}, pinned sha512-{integrity}; refused")
    return tarball


def members(tarball: Path, wanted: dict[str, str]) -> dict[str, bytes]:
    """The wanted files of the tarball by name."""
    with tarfile.open(tarball) as archive:
        return {name: archive.extractfile(name).read() for name in wanted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare the committed files with the pins only")
    parser.add_argument("--print-hashes", action="store_true", help="print each file's sha256 (to pin them)")
    args = parser.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for package, version, integrity, wanted, folder in PINS:
            files = {} if args.check else members(fetch(package, version, integrity, Path(tmp)), wanted)
            for name, pinned in wanted.items():
                target = folder / Path(name).name
                data = target.read_bytes() if args.check else files[name]
                if args.print_hashes:
                    print(f"{package}@{version} {name} {sha256(data)}")
                elif sha256(data) != pinned:
                    problems.append(f"{target.name}: sha256 {sha256(data)}, pinned {pinned}")
                elif not args.check:
                    folder.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main()
