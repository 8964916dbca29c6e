"""`smekg serve`: the knowledge over HTTP, on Starlette and uvicorn.

- `/sparql`: a read-only SPARQL 1.1 Protocol endpoint on the full release (queries run in killable worker
  processes, see querypool.py); updates are refused with 403.
- `/query`: a query editor (Yasqe and Yasr, vendored) preloaded with the canned queries; `/query?name=NAME` opens
  one. The site's own editor page (`/editor.html?name=NAME`, what its question pages link to) is sent there.
- Every other path is an IRI below https://w3id.org/smekg/ (`/ontology/Cluster`, `/kg/…`, `/work/…`, whatever the
  namespace) or a file of the static site (`--site`), which answers as it is. An IRI gets content negotiation as the
  W3C's "Cool URIs for the Semantic Web" (§4.3, 303 URIs forwarding to different documents) describes: the IRI
  names a thing, not a document, so it answers 303 See Other to the document in the type the client prefers —
  the site's HTML page, or `IRI.ttl`, `.jsonld`, `.nt`, `.rdf` (the IRI's concise bounded description, from the
  store), which answer 200.
- `/release/NAME`: the release files, the artifacts also at their ontology IRIs' paths (`/smekg-full.owl`, …);
  `/.well-known/void`: a VoID description of the dataset.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs

import jinja2
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles  # the editor's own files

from .direct import DIRECT_FILES
from .endpoint import results_table
from .errors import fail, os_problem
from .identity import ontology_iri
from .mediatypes import RDF_EXTENSIONS, RDF_TYPES, content_type, negotiate
from .query import QUERY_FORM, CannedQuery, bind_values, bindings, code_only, parameter_block, projected
from .querypool import READ_ONLY, Limits, Pool, Reply
from .release import FORMATS, artifact_names
from .vocab import BASE, PREFIXES

ASSETS = files("smekg") / "serve_assets"
RELEASE_TYPES = {extension: rdf_format.media_type for extension, rdf_format in FORMATS.items()}
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o"
    f' FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}',
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
}
TERMS_USED = "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t FILTER(isIRI(?t)) } }"
HEADER = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*")  # the comment lines opening a query file
INTERNAL_CAP = 1 << 30  # bytes of answer to the server's own queries (counts, namespaces): never reached
DUMPS = ("smekg-full.ttl", DIRECT_FILES[1])  # what /sparql holds: the full release and its direct view


@dataclass(frozen=True)
class Settings:
    """What the server serves and within which limits."""

    release: Path
    site: Path | None
    queries: list[CannedQuery]
    limits: Limits = Limits()
    max_request: int = 1_000_000  # bytes of a POSTed query


def text(status: int, message: str, **headers: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status, headers=headers)


def reply_response(reply: Reply) -> Response:
    """A worker's reply as an HTTP response that varies with the Accept header."""
    media = content_type(reply.media) if reply.status == 200 else reply.media
    return Response(reply.body, reply.status, headers={"Content-Type": media, "Vary": "Accept"})


def editor_text(query: CannedQuery) -> str:
    """A canned query as the editor shows it: its parameters bound to their defaults and the prefixes it uses
    declared after its comment header, so it runs on any endpoint as `smekg query NAME` runs it."""
    bound = bind_values(query.text, bindings(query, {}), str(query.path), query.name)
    used = set(re.findall(r"(?<![\w?$])([A-Za-z][\w-]*):", code_only(bound)))
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p in used)
    header = HEADER.match(bound).group()
    return header + prologue + bound[len(header) :]


@dataclass(frozen=True)
class EditorForm:
    """A canned query as the editor shows it, cut around its parameter row. A posted text that is this one with
    other terms in that row is the canned query with those parameters, and the worker runs it as `smekg query`
    runs it (see querypool.substitutions): its parameters also passed as Oxigraph substitutions, which reach into
    OPTIONAL groups and sub-SELECTs (networking-model runs 3-4x faster). Not for any other query: a substitution
    also binds a variable of the same name inside a sub-SELECT that does not project it, which a VALUES row does
    not; the canned queries' answers are checked equal either way (tests/test_endpoint.py)."""

    before: str
    after: str
    names: tuple[str, ...]  # the row's variables
    substituted: tuple[str, ...]  # those the query projects (the ones `smekg query` substitutes)
    prologue: int  # where the query form starts: the PREFIX lines before it declare the row's prefixes

    @classmethod
    def of(cls, query: CannedQuery) -> EditorForm | None:
        """The query's form; None for a query without parameters."""
        text = editor_text(query)
        block = parameter_block(text, str(query.path), query.name, given=tuple(p.name for p in query.params))
        if block is None:
            return None
        shown = projected(text)
        substituted = tuple(n for n in block.names if shown is None or n in shown)
        start = QUERY_FORM.search(code_only(text)).start()
        return cls(text[: block.start], text[block.end :], tuple(block.names), substituted, start)

    def parameters(self, text: str) -> dict | None:
        """Where the parameter row of a text of this form is, for the worker; None if the text is not of it."""
        end = len(text) - len(self.after)
        if end < len(self.before) or not (text.startswith(self.before) and text.endswith(self.after)):
            return None
        row = [len(self.before), end]
        return {"row": row, "names": list(self.names), "substituted": list(self.substituted), "prologue": self.prologue}


def inside(folder: Path, relative: str) -> Path | None:
    """folder/relative if it stays inside folder (and is a possible file name), else None."""
    try:
        path = (folder / relative).resolve()
    except (ValueError, OSError):  # a NUL byte, a name too long
        return None
    return path if path.is_relative_to(folder.resolve()) else None


class Service:
    """The routes, sharing the settings and the pool of query workers."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.pool = Pool(settings.release, settings.limits)
        self.forms = [form for form in map(EditorForm.of, settings.queries) if form is not None]
        self.counts: dict[str, int] = {}
        self.vocabularies: list[str] = []
        templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ASSETS)), autoescape=True)
        self.editor = templates.get_template("query.html")

    async def start(self) -> None:
        """Start the query workers and count what VoID reports; SmekgError if the release cannot be loaded."""
        await self.pool.start()
        try:
            await self.measure()
        except BaseException:
            await self.pool.close()
            raise

    async def select(self, query: str) -> list[dict]:
        """The rows of an internal SELECT query, run through the pool."""
        request = {"op": "query", "query": query, "accept": "application/sparql-results+json", "cap": INTERNAL_CAP}
        reply = await self.pool.run(request)
        if reply.status != 200:
            raise fail("serve", self.settings.release, reply.body.decode("utf-8", "replace"))
        return results_table(json.loads(reply.body))

    async def measure(self) -> None:
        """The dataset's counts and the vocabularies its properties and classes come from."""
        for name, query in COUNTS.items():
            self.counts[name] = (await self.select(query))[0]["n"]
        namespaces = {re.sub(r"[^#/]*$", "", row["t"]) for row in await self.select(TERMS_USED)}
        self.vocabularies = sorted(namespaces - {""})

    def app(self) -> Starlette:
        routes = [
            Route("/sparql", self.sparql, methods=["GET", "POST"]),
            Route("/query", self.query_editor, methods=["GET"]),
            Mount("/editor", StaticFiles(directory=str(ASSETS)), name="editor"),
            Route("/.well-known/void", self.void, methods=["GET"]),
            Route("/release/{name}", self.release_file, methods=["GET"]),
            *(Route(f"/{name}", self.release_file, methods=["GET"]) for name in artifact_names()),
        ]
        if self.settings.site is None:
            routes.append(Route("/", lambda request: RedirectResponse("/query", 303), methods=["GET"]))
        else:
            routes.append(Route("/editor.html", self.site_editor, methods=["GET"]))
        routes.append(Route("/{path:path}", self.entity, methods=["GET"]))
        cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
        return Starlette(routes=routes, middleware=[cors])

    # The SPARQL 1.1 Protocol.

    async def body(self, request: Request) -> bytes | None:
        """The request body, or None when it is larger than the cap."""
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.settings.max_request:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def protocol_parameters(self, request: Request) -> dict[str, list[str]] | Response:
        """The protocol's parameters (query, update, default-graph-uri, …) from the URL and a POSTed body."""
        params = parse_qs(request.url.query, keep_blank_values=True)
        if request.method == "GET":
            return params
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return text(403, READ_ONLY)
        if kind not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return text(415, "POST a query as application/x-www-form-urlencoded (query=…) or application/sparql-query")
        body = await self.body(request)
        if body is None:
            return text(413, f"the request is larger than this server's cap of {self.settings.max_request:,} bytes")
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            return text(400, "the request body is not UTF-8 text")
        if kind == "application/sparql-query":
            return {**params, "query": [decoded]}
        for key, values in parse_qs(decoded, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
        return params

    async def sparql(self, request: Request) -> Response:
        """Answer a query in the format the Accept header prefers; refuse updates and what this endpoint lacks."""
        params = await self.protocol_parameters(request)
        if isinstance(params, Response):
            return params
        if "update" in params:
            return text(403, READ_ONLY)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return text(400, "default-graph-uri and named-graph-uri are not supported: the data is one default graph")
        queries = params.get("query", [])
        if not params and request.method == "GET":
            return self.describe_service(request)
        if len(queries) != 1:
            return text(400, "give exactly one query parameter (the query editor is at /query)")
        request_ = {"op": "query", "query": queries[0], "accept": request.headers.get("accept")}
        parameters = next(filter(None, (form.parameters(queries[0]) for form in self.forms)), None)
        if parameters is not None:
            request_["parameters"] = parameters
        return reply_response(await self.pool.run(request_))

    def describe_service(self, request: Request) -> Response:
        """/sparql without a query: a browser is sent to the query editor, an RDF client gets the service
        description (SPARQL 1.1 Service Description, §2)."""
        if negotiate(request.headers.get("accept"), [*RDF_TYPES, "text/html"]) == "text/html":
            return RedirectResponse("query", 303, headers={"Vary": "Accept"})
        return described(request, self.service_triples, "the service description")

    async def query_editor(self, request: Request) -> HTMLResponse:
        queries = [
            {"name": q.name, "title": q.title, "question": q.question, "text": editor_text(q)}
            for q in self.settings.queries
        ]
        return HTMLResponse(self.editor.render(queries=queries, prefixes=PREFIXES))

    async def site_editor(self, request: Request) -> RedirectResponse:
        """The static site's query editor (editor.html?name=NAME), which runs queries on an endpoint the reader
        gives, is replaced by this server's own, on its own endpoint, with the same query loaded."""
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"query{query}", 303)

    # The IRIs and the release.

    def site_file(self, relative: str) -> Path | None:
        """The site's file at that path (a folder's index.html when the path ends in /), if the site has one."""
        if self.settings.site is None:
            return None
        path = inside(self.settings.site, relative)
        if path is not None and path.is_dir() and (relative.endswith("/") or not relative):
            path = path / "index.html"
        return path if path is not None and path.is_file() else None

    def page(self, relative: str) -> str | None:
        """The URL path of the site's HTML page for an IRI path: PATH.html or PATH/index.html."""
        for candidate, url in ((f"{relative}.html", f"/{relative}.html"), (f"{relative}/index.html", f"/{relative}/")):
            if self.site_file(candidate) is not None:
                return url
        return None

    async def entity(self, request: Request) -> Response:
        """Any other path: an IRI's description (IRI.ttl, …), a file of the site, or, for an IRI below the base
        (whatever its namespace), a 303 to the document the client prefers."""
        relative = request.scope["path"].lstrip("/")
        stem, dot, extension = relative.rpartition(".")
        if dot and extension in RDF_EXTENSIONS:
            request_ = {"op": "describe", "iri": BASE + stem, "media": RDF_EXTENSIONS[extension]}
            return reply_response(await self.pool.run(request_))
        static = self.site_file(relative)
        if static is not None:
            return FileResponse(static)
        return await self.negotiate(request, relative)

    async def negotiate(self, request: Request, relative: str) -> Response:
        """303 See Other to the document in the type the client prefers; 404 if the IRI names nothing, 406 if the
        client accepts none of the types; the pool's own reply if it could not look (busy, failed)."""
        looked = await self.pool.run({"op": "names", "iri": BASE + relative, "cap": INTERNAL_CAP})
        if looked.status not in (200, 400, 404):
            return reply_response(looked)
        named = looked.status == 200
        page = self.page(relative)
        if not named and page is None:
            return text(404, f"<{BASE}{relative}> names nothing in this knowledge graph")
        documents = ({"text/html": page} if page else {}) | {
            media: f"/{relative}.{ext}" for ext, media in RDF_EXTENSIONS.items() if named
        }
        media = negotiate(request.headers.get("accept"), list(documents))
        if media is None:
            return text(406, f"<{BASE}{relative}> is described as {', '.join(documents)}", Vary="Accept")
        return RedirectResponse(documents[media], 303, headers={"Vary": "Accept"})

    async def release_file(self, request: Request) -> Response:
        """A release file, at /release/NAME and, for the artifacts, at the release ontologies' IRIs' own paths
        (https://w3id.org/smekg/smekg-full.owl, …), which name documents and so answer 200."""
        name = request.path_params.get("name") or request.url.path.lstrip("/")
        path = self.settings.release / name
        extension = name.rpartition(".")[2]
        if name not in {*artifact_names(), *DIRECT_FILES} or not path.is_file():
            return text(404, f"no release file {name}; there are {', '.join(sorted(artifact_names()))}")
        return FileResponse(path, media_type=content_type(RELEASE_TYPES[extension]))

    # VoID.

    def void_triples(self, root: str) -> list[ox.Triple]:
        """The VoID description of the dataset, with the endpoint and dumps under root (this server's URL)."""
        dataset = ox.NamedNode(f"{root}/.well-known/void#smekg")
        void = lambda name: ox.NamedNode(VOID + name)  # noqa: E731
        triples = [
            ox.Triple(dataset, RDF_TYPE, void("Dataset")),
            ox.Triple(dataset, ox.NamedNode(PREFIXES["dcterms"] + "title"), ox.Literal("smekg", language="en")),
            ox.Triple(dataset, void("uriSpace"), ox.Literal(BASE)),
            ox.Triple(dataset, void("rootResource"), ox.NamedNode(ontology_iri("full"))),
            ox.Triple(dataset, void("sparqlEndpoint"), ox.NamedNode(f"{root}/sparql")),
        ]
        triples += [ox.Triple(dataset, void("dataDump"), ox.NamedNode(f"{root}/release/{name}")) for name in DUMPS]
        triples += [ox.Triple(dataset, void("vocabulary"), ox.NamedNode(ns)) for ns in self.vocabularies]
        triples += [ox.Triple(dataset, void(k), integer(n)) for k, n in self.counts.items()]
        return triples

    def service_triples(self, root: str) -> list[ox.Triple]:
        """The SPARQL 1.1 Service Description of /sparql: what it supports and the dataset it holds."""
        service, dataset, graph = ox.NamedNode(f"{root}/sparql#service"), ox.BlankNode(), ox.BlankNode()
        sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
        formats = [ox.NamedNode(f"http://www.w3.org/ns/formats/{name}") for name in SD_FORMATS]
        return [
            ox.Triple(service, RDF_TYPE, sd("Service")),
            ox.Triple(service, sd("endpoint"), ox.NamedNode(f"{root}/sparql")),
            ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
            *(ox.Triple(service, sd("resultFormat"), format_iri) for format_iri in formats),
            ox.Triple(service, sd("defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), integer(self.counts["triples"])),
            ox.Triple(dataset, ox.NamedNode(PREFIXES["rdfs"] + "seeAlso"), ox.NamedNode(f"{root}/.well-known/void")),
        ]

    async def void(self, request: Request) -> Response:
        return described(request, self.void_triples, "the VoID description")


def described(request: Request, triples: Callable[[str], list[ox.Triple]], what: str) -> Response:
    """triples(this server's root URL) in the RDF type the client prefers (Turtle if any will do), or 406."""
    media = negotiate(request.headers.get("accept"), list(RDF_TYPES))
    if media is None:
        return text(406, f"{what} is available as {', '.join(RDF_TYPES)}", Vary="Accept")
    root = str(request.base_url).rstrip("/")
    prefixes = {"void": VOID, "sd": SD, "dcterms": PREFIXES["dcterms"]}
    body = ox.serialize(triples(root), format=RDF_TYPES[media], prefixes=prefixes)
    return Response(body, headers={"Content-Type": content_type(media), "Vary": "Accept"})


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def check_release(folder: Path) -> None:
    """Fail before the server starts when the release lacks what /sparql loads."""
    for name in ("smekg-full.nt", DIRECT_FILES[0]):
        if not (folder / name).is_file():
            raise fail("serve", folder / name, "no release here; run `smekg build` first (or give --release)")


def check_address(host: str, port: int) -> None:
    """Fail before the workers start when the server could not listen there (the port taken, an unknown host)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        socket.create_server((host, port), family=family).close()
    except OSError as err:
        problem = str(err.strerror).lower() if isinstance(err, socket.gaierror) else os_problem(err)
        raise fail("serve", f"{host}:{port}", f"cannot listen here: {problem}") from None


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until it is stopped (Ctrl-C or SIGTERM), on uvloop's event loop and httptools' HTTP parser
    where they are installed (smekg depends on them where they build): in C, where asyncio's loop and h11 are
    Python, they take about 0.4 ms off every request."""
    check_release(settings.release)
    check_address(host, port)
    service = Service(settings)
    config = uvicorn.Config(
        service.app(), host=host, port=port, log_level="warning", lifespan="off", loop="auto", http="auto"
    )
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(run(service, config))


async def run(service: Service, config: uvicorn.Config) -> None:
    """Start the workers (a release they cannot load is a SmekgError before anything listens), then serve."""
    await service.start()
    try:
        print(
            f"smekg serve: http://{config.host}:{config.port}/ (SPARQL at /sparql, the query editor at /query)",
            file=sys.stderr,
        )
        await uvicorn.Server(config).serve()
    finally:
        await service.pool.close()
