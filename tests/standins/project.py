"""A disposable copy of the project and a `smekg link` configuration pointing every service at a stand-in."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from smekg.sources import Project

from .server import StandIn

ROOT = Path(__file__).resolve().parents[2]


def serve(sparql_base: str = "") -> StandIn:
    """A stand-in serving in a thread; call its shutdown() when done."""
    server = StandIn(sparql_base)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def copy_project(folder: Path) -> Project:
    """The project's knowledge sources in folder, without the links file."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    (folder / "ontology" / "links" / "links.ttl").unlink(missing_ok=True)
    return Project(folder)


def write_config(folder: Path, server: StandIn, **polite: object) -> Path:
    """A configuration that points every service at the stand-in, with no rate limit and tiny back-off."""
    extra = "".join(f"{k} = {v!r}\n" for k, v in polite.items())
    path = folder / "smekg-link.toml"
    path.write_text(
        f"""[polite]
mailto = "curator@example.org"
allowed_hosts = ["{server.base}"]
backoff = 0.01
{extra.replace("'", '"')}
[cache]
dir = "{folder / "cache"}"
[crossref]
base_url = "{server.base}/crossref"
min_interval = 0
[openalex]
base_url = "{server.base}/openalex"
api_key = "test-key"
min_interval = 0
[wikidata]
endpoint = "{server.base}/wikidata/sparql"
min_interval = 0
""",
        encoding="utf-8",
    )
    return path
