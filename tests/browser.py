"""What the browser tests share: Debian's Chromium driven by Playwright (never `playwright install`; the flags are
those ../shared/TOOLING.md found to work here) and axe-core, vendored with its hash by tools/vendor_assets.py."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
