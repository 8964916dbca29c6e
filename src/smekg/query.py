"""Canned SPARQL queries: read their headers, bind parameters, run them, format the answers."""

from __future__ import annotations

import io
import re
from collections import namedtuple
from itertools import zip_longest
from pathlib import Path

import pyoxigraph as ox

from .direct import DIRECT_FILES
from .errors import Finding, SmekgError, fail, os_problem
from .prefixes import PREFIXES, compact, expand
from .project import RELEASE_STORE, Project

PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean")
HEADER_FIELD = re.compile(r"^#\s*(title|question|sources|param|output):\s*(.*)$")
PARAM_SPEC = re.compile(r"^(\w+)\s*\((\w+)(?::([^()]*))?\)\s*(?:[—-]+\s*(.*))?$")
PARAM_FORM = "'name (type) — meaning' or 'name (type: value | value …) — meaning'"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (7 ms of a one-shot query)
if TYPE_CHECKING:
    from datetime import date, datetime

    Value = str | int | float | bool | date | datetime | None
Term = ox.NamedNode | ox.Literal


# Named tuples and plain classes, not dataclasses: that module imports inspect, 20 ms of every `smekg query`.
Parameter = namedtuple("Parameter", "name kind doc allowed default", defaults=("", (), None))
Parameter.__doc__ = """A query parameter declared in the header (`# param: name (type) — meaning`, an enumerated one as
`# param: name (string: a | b | c) — meaning`): name, kind (one of PARAM_TYPES), doc, allowed values (a tuple, empty
when any value goes) and default (a term or None), which is the query's own VALUES row."""


class CannedQuery:
    """A .rq file from queries/ with its documented header: title, question, sources, parameters; file is true for
    a query given by its path (any query form), false for a canned query by name (it answers with a table)."""

    def __init__(self, name: str, path: Path, text: str):
        self.name, self.path, self.text = name, path, text
        self.title = self.question = self.sources = ""
        self.params: list[Parameter] = []
        self.file = False


def read_query_file(name: str, path: Path) -> str:
    """A query file's text; unreadable or non-UTF-8 bytes are a finding naming the file and line."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise fail("reading queries", path, f"cannot read the query: {os_problem(err)}", name) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        message = f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); save the file as UTF-8"
        raise SmekgError("reading queries", [Finding(str(path), line, name, message)]) from None


def parameter(value: str, path: Path, number: int, name: str) -> Parameter:
    """One `# param:` header line as a Parameter (its default comes later, from the VALUES row)."""
    spec = PARAM_SPEC.match(value)
    if not spec or spec.group(2) not in PARAM_TYPES:
        hint = " (the default goes in the VALUES row opening the WHERE clause)" if "=" in value.split("—")[0] else ""
        message = f"malformed parameter {value!r}; expected {PARAM_FORM}, type one of {', '.join(PARAM_TYPES)}{hint}"
        raise SmekgError("reading queries", [Finding(str(path), number, name, message)])
    allowed = tuple(v.strip() for v in spec.group(3).split("|")) if spec.group(3) else ()
    return Parameter(spec.group(1), spec.group(2), spec.group(4) or "", allowed)


def parse_header(name: str, path: Path) -> CannedQuery:
    """Read a query file: its comment header and its parameters with their defaults (see parameter_block)."""
    text = read_query_file(name, path)
    query = CannedQuery(name, path, text)
    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADER_FIELD.match(line.strip())
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            query.params.append(parameter(value, path, number, name))
        elif key in ("title", "question", "sources"):
            setattr(query, key, (getattr(query, key) + " " + value).strip())
    if query.params:
        defaults = parameter_block(text, str(path), name, [p.name for p in query.params]).defaults
        query.params = [p._replace(default=defaults[p.name]) for p in query.params]
    return query


def list_queries(project: Project | None = None) -> list[CannedQuery]:
    """Every canned query in queries/, by name."""
    project = project or Project.find()
    return [parse_header(p.stem, p) for p in sorted(project.queries_dir.glob("*.rq"))]


def get_query(name: str, project: Project | None = None) -> CannedQuery:
    """A canned query by name, or any query file given by its path (a name ending in .rq)."""
    if name.endswith(".rq"):
        path = Path(name)
        if not path.is_file():
            raise SmekgError("query", [Finding(name, 0, "", "no such query file")])
        query = parse_header(path.stem, path)
        query.file = True
        return query
    project = project or Project.find()
    path = project.queries_dir / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in list_queries(project))
        raise SmekgError("query", [Finding(str(project.queries_dir), 0, name, f"no such query; known: {known}")])
    return parse_header(name, path)


def parameter_summary(param: Parameter) -> str:
    """A parameter as `--list` shows it: name=default (compacted), and its allowed values."""
    default = "" if param.default is None else "=" + display(python_value(param.default))
    return param.name + default + (f" (one of: {' | '.join(param.allowed)})" if param.allowed else "")


def to_term(param: Parameter, raw: str) -> ox.NamedNode | ox.Literal:
    """Turn a user-supplied string into an RDF term of the declared kind, or fail clearly."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    try:
        if param.kind == "iri":  # prefix:name, a full IRI, or one in angle brackets as SPARQL writes it
            iri = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else expand(raw)
            if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", iri, re.I):
                raise ValueError("not an IRI or prefix:name")
            return ox.NamedNode(iri)
        if param.kind == "integer":
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(xsd + "integer"))
        if param.kind == "decimal":
            from decimal import Decimal  # here: few queries take a decimal, and every `smekg query` starts sooner

            return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(xsd + "decimal"))
        if param.kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError("expected true or false")
            return ox.Literal(raw.lower(), datatype=ox.NamedNode(xsd + "boolean"))
        return ox.Literal(raw)
    except (ValueError, ArithmeticError) as err:
        raise SmekgError(
            "query", [Finding("", 0, param.name, f"value {raw!r} is not a valid {param.kind}: {err}")]
        ) from err


def bindings(query: CannedQuery, given: dict[str, str]) -> dict[str, Term]:
    """Parameter values (given, else the query's default) as terms; unknown names and values outside a
    parameter's allowed ones are errors."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        message = f"unknown parameter(s) {', '.join(unknown)}; this query takes: {names}"
        raise SmekgError("query", [Finding(str(query.path), 0, query.name, message)])
    values = {}
    for p in query.params:
        if p.name in given:
            if p.allowed and given[p.name] not in p.allowed:
                choices = ", ".join(repr(v) for v in p.allowed)
                message = f"{given[p.name]!r} is not an allowed value of {p.name}; use one of {choices}"
                raise SmekgError("query", [Finding(str(query.path), 0, query.name, message)])
            values[p.name] = to_term(p, given[p.name])
        elif p.default is not None:
            values[p.name] = p.default
    return values


NON_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.S,
)


def code_only(text: str) -> str:
    """The query text with its comments, strings and IRIs blanked (newlines kept, so offsets and lines hold)."""
    return NON_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def keyword(word: str) -> re.Pattern[str]:
    """A SPARQL keyword, not part of a variable, a prefixed name or a longer word."""
    return re.compile(rf"(?<![\w.:?$-])(?:{word})(?![\w.:-])", re.I)


QUERY_FORM = keyword("SELECT|CONSTRUCT|ASK|DESCRIBE")
SERVICE = re.compile("SERVICE", re.I)
VARIABLE_START = re.compile(r"[?$]\w*$")  # what precedes a match inside a variable's name
LOCAL_NAME_START = re.compile(r":[\w.-]*$")  # … inside a prefixed name's local part
PREFIX_END = re.compile(r"^[\w.-]*:")  # what follows a match inside a prefix (`service:x`)


def first_keyword(pattern: re.Pattern[str], text: str) -> tuple[str, int] | None:
    """The first keyword the pattern finds in the query's code, upper-cased, with its line; None if none."""
    code = code_only(text)
    found = pattern.search(code)
    return (found.group().upper(), code.count("\n", 0, found.start()) + 1) if found else None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form, read from its code (SELECT if none is found)."""
    form = first_keyword(QUERY_FORM, text)
    return form[0] if form else "SELECT"


def expect_form(text: str, forms: tuple[str, ...], origin: str = "", entry: str = "") -> None:
    """A query of another form than those expected is refused before it runs."""
    form = first_keyword(QUERY_FORM, text)
    if form and form[0] not in forms:
        wanted = " or ".join(forms)
        message = f"a {form[0]} query where {wanted} is expected; use the method for its form (select, ask, construct)"
        raise SmekgError("query", [Finding(origin, form[1], entry, message)])


def refuse_non_select(text: str, origin: str = "", entry: str = "") -> None:
    """Canned queries answer with a table: a CONSTRUCT, ASK or DESCRIBE query is refused before it runs."""
    form = first_keyword(QUERY_FORM, text)
    if form and form[0] != "SELECT":
        message = (
            f"a {form[0]} query; canned queries answer with a table (text, CSV, JSON, Markdown, LaTeX), so write it"
            " as a SELECT, or run it by its file's path (smekg query path/to/query.rq)"
        )
        raise SmekgError("query", [Finding(origin, form[1], entry, message)])


def service_line(text: str) -> int | None:
    """The line of the first SERVICE in the query's code that is not inside a variable or a prefixed name, or None.
    Anything else counts, even glued to a neighbour (`?o.SERVICE`, `1SERVICE`, `trueSERVICE`): Oxigraph reads
    those as the keyword."""
    code = code_only(text)
    for found in SERVICE.finditer(code):
        before, after = code[: found.start()], code[found.end() :]
        if not (VARIABLE_START.search(before) or LOCAL_NAME_START.search(before) or PREFIX_END.match(after)):
            return code.count("\n", 0, found.start()) + 1
    return None


def refuse_service(text: str, origin: str = "", entry: str = "") -> None:
    """The embedded engine answers from the local graph only: a SERVICE clause is refused before it runs."""
    line = service_line(text)
    if line is not None:
        message = "a SERVICE clause; the embedded store answers from the local graph and makes no network request"
        raise SmekgError("query", [Finding(origin, line, entry, message)])


TOP_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
BRACE_OR_VALUES = re.compile(r"[{}]|VALUES", re.I)
VALUES_ROW = re.compile(r"\s*(VALUES\s*\(([^(){}]*)\)\s*\{\s*\([^(){}]*\)\s*\})", re.I)


ParameterBlock = namedtuple("ParameterBlock", "start end names defaults")
ParameterBlock.__doc__ = """The VALUES row opening a query's top-level WHERE group: its span in the text (start,
end), its variables (names) and their default terms (defaults: name → term, None for UNDEF), as Oxigraph reads them."""


def top_level_rows(code: str) -> list[re.Match[str]]:
    """The one-row VALUES blocks directly in the query's top-level WHERE group (not in a nested group)."""
    where = TOP_WHERE.search(code)
    if where is None:
        return []
    rows: list[re.Match[str]] = []
    depth, after = 1, where.end()  # after: the end of the last row taken (its braces are not the group's)
    for token in BRACE_OR_VALUES.finditer(code, where.end()):
        if token.start() < after:
            continue
        if token.group() in "{}":
            depth += 1 if token.group() == "{" else -1
            if not depth:
                break
        elif depth == 1 and code[token.start() - 1] in "{}.) \n\t" and (row := VALUES_ROW.match(code, token.start())):
            rows.append(row)
            after = row.end()
    return rows


def parameter_block(
    text: str, origin: str = "", entry: str = "", required: list[str] | None = None, given: tuple[str, ...] = ()
) -> ParameterBlock | None:
    """The query's parameter row, a `VALUES (?a ?b) { (default default) }` in its top-level WHERE group, read from
    the code (not from comments or strings) and parsed by Oxigraph; None if the query has none. With required (the
    parameters the header declares), a missing row or one with other variables is a finding: the file would not
    give smekg's answer when pasted elsewhere. Without, the row is the first that binds one of the given names."""
    code = code_only(text)
    rows = [(r, re.findall(r"\?(\w+)", r.group(2))) for r in top_level_rows(code)]
    wanted = set(required or ())
    row, names = next(((r, n) for r, n in rows if set(n) == wanted), (None, []))
    if required is not None and row is None and not TOP_WHERE.search(code):
        message = (
            "a query with parameters needs the keyword WHERE before its top-level group, which holds their VALUES row"
        )
        raise SmekgError("reading queries", [Finding(origin, 0, entry, message)])
    if required is not None and row is None:
        declared = " ".join(f"?{n}" for n in required)
        message = (
            f"the parameters {', '.join(required)} need their defaults in a VALUES row in the top-level WHERE group: "
            f"VALUES ({declared}) {{ (…) }} (UNDEF where there is no default)"
        )
        raise SmekgError("reading queries", [Finding(origin, 0, entry, message)])
    if row is None:
        row, names = next(((r, n) for r, n in rows if set(n) & set(given)), (None, []))
    if row is None:
        return None
    start = QUERY_FORM.search(code)
    probe = f"{text[: start.start() if start else 0]} SELECT * WHERE {{ {text[row.start(1) : row.end(1)]} }}"
    try:
        solution = next(iter(ox.Store().query(probe, prefixes=PREFIXES)))
    except SyntaxError as err:
        raise syntax_error(err, origin, entry) from None
    return ParameterBlock(row.start(1), row.end(1), names, {n: solution[n] for n in names})


def bind_values(text: str, values: dict[str, Term], origin: str = "", entry: str = "") -> str:
    """Bind parameters with a SPARQL VALUES row opening the top-level WHERE group.

    A query's own parameter row (see parameter_block) is written anew with the values given and the defaults of
    the others; values for other variables get a VALUES row of their own in front. The terms are RDF terms built
    and escaped by Oxigraph (never raw user text), and binding them first gives every pattern, FILTER and EXISTS
    of the query the bound value, on any SPARQL 1.1 engine; Oxigraph's own substitutions join too late for
    FILTER(BOUND(...)). A row is written on one line and the line breaks it replaces follow it, so every line
    keeps its number in error messages.
    """
    if not values:
        return text
    block = parameter_block(text, origin, entry, given=tuple(values))
    if block:
        cells = [values.get(n, block.defaults[n]) for n in block.names]
        row = values_row(block.names, cells) + "\n" * text.count("\n", block.start, block.end)
        text = text[: block.start] + row + text[block.end :]
    others = {k: v for k, v in values.items() if not block or k not in block.names}
    if not others:
        return text
    match = TOP_WHERE.search(code_only(text))
    if match is None:
        message = "a query with parameters needs the keyword WHERE before its top-level group: WHERE {"
        raise SmekgError("query", [Finding(origin, 0, entry, message)])
    return f"{text[: match.end()]} {values_row(list(others), list(others.values()))}{text[match.end() :]}"


def values_row(names: list[str], terms: list[Term | None]) -> str:
    """`VALUES (?a ?b) { (term UNDEF) }` from Oxigraph's own writing of each term."""
    cells = " ".join("UNDEF" if t is None else str(t) for t in terms)
    return f"VALUES ({' '.join(f'?{n}' for n in names)}) {{ ({cells}) }}"


SYNTAX_ERROR = re.compile(r"^error at (\d+):\d+: (.*)$", re.S)


def syntax_error(err: SyntaxError, origin: str, entry: str) -> SmekgError:
    """Oxigraph's syntax error as a finding on the query file's own line."""
    message = str(err)
    where = SYNTAX_ERROR.match(message)
    line, detail = (int(where.group(1)), where.group(2)) if where else (0, message)
    return SmekgError("query", [Finding(origin, line, entry, f"SPARQL syntax error: {detail}")])


SELECT_CLAUSE = re.compile(r"\bSELECT\b(.*?)\bWHERE\s*\{", re.I | re.S)
INNERMOST = re.compile(r"\([^()]*\)")


def projected(text: str) -> set[str] | None:
    """The variables the top-level SELECT projects: plain ?x and (… AS ?x); None for SELECT *."""
    clause = SELECT_CLAUSE.search(code_only(text))
    if clause is None:
        return set()
    head = clause.group(1)
    aliases = set(re.findall(r"\bAS\s+\?(\w+)\s*\)", head, re.I))
    while INNERMOST.search(head):
        head = INNERMOST.sub(" ", head)
    if "*" in head:
        return None
    return aliases | set(re.findall(r"\?(\w+)", head))


XSD = "http://www.w3.org/2001/XMLSchema#"
CONVERTERS = {
    **dict.fromkeys(("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"), int),
    **dict.fromkeys(("decimal", "double", "float"), float),
    "boolean": lambda v: v == "true",
    "date": lambda v: iso_date(v, "date"),
    "dateTime": lambda v: iso_date(v, "datetime"),
}


def iso_date(lexical: str, kind: str) -> date | datetime:
    """An xsd:date or xsd:dateTime as a date or datetime (the datetime module is imported here, when an answer first
    holds one: most do not, and every one-shot `smekg query` starts 2 ms sooner)."""
    import datetime

    return getattr(datetime, kind).fromisoformat(lexical)


def literal_value(lexical: str, datatype: str | None) -> Value:
    """A typed literal as a plain Python value (int, float, bool, date, datetime), else its text."""
    convert = CONVERTERS.get(datatype[len(XSD) :]) if datatype and datatype.startswith(XSD) else None
    try:
        return convert(lexical) if convert else lexical
    except ValueError:
        return lexical


XSD_STRING = ox.NamedNode(XSD + "string")
CONVERTER_OF = {ox.NamedNode(XSD + name): convert for name, convert in CONVERTERS.items()}


def python_value(term: object) -> Value:
    """Plain Python value of an Oxigraph result term: IRIs as strings, literals converted.

    Datatypes are matched as terms, not as IRI strings: answers of tens of thousands of rows spend most of
    their conversion time here."""
    if term is None:
        return None
    if type(term) is ox.Literal:
        datatype = term.datatype
        convert = None if datatype == XSD_STRING else CONVERTER_OF.get(datatype)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except ValueError:
            return term.value
    return term.value if hasattr(term, "value") else str(term)


class Rows(list):
    """Query answer rows (dicts keyed by variable name) that also know their column names."""

    def __init__(self, columns: list[str], rows: list[dict[str, Value]]):
        super().__init__(rows)
        self.columns = columns


class Store:
    """The embedded query engine (Oxigraph), loaded with one RDF file and any views beside it (format from each
    file's extension), all in the default graph."""

    def __init__(self, path: Path, views: tuple[Path, ...] = ()):
        self.path = path
        self.store = ox.Store()
        self.load(path, "no release here; run `smekg build` first")
        for view in views:
            self.load(view, "the release lacks this view (an older build wrote it); run `smekg build` again")

    def load(self, path: Path, missing: str) -> None:
        """Add the triples of one release file; a missing (the message missing), unreadable or damaged file is a
        finding naming it."""
        if not path.is_file():
            raise SmekgError("query", [Finding(str(path), 0, "", missing)])
        try:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
        except OSError as err:
            raise fail("query", path, f"cannot read the release: {os_problem(err)}") from None
        except SyntaxError as err:
            raise fail("query", path, f"the release is damaged ({err}); run `smekg build` again") from None

    def run(
        self, text: str, forms: tuple[str, ...], values: dict[str, Term] | None, origin: str, entry: str
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query of one of these forms; parameter values are bound as inline data (see bind_values).

        origin and entry (the query file and name) locate its findings. Never a query with a SERVICE clause: the
        embedded engine would send it over the network.

        Values of projected variables are also passed as Oxigraph substitutions: they reach into OPTIONAL
        groups and sub-SELECTs, which Oxigraph's planner otherwise evaluates unbound (networking-model
        runs 3-7x faster); tests/test_endpoint.py shows the answers equal those of the VALUES alone.
        """
        expect_form(text, forms, origin, entry)
        refuse_service(text, origin, entry)
        values = values or {}
        bound = bind_values(text, values, origin, entry)
        names = projected(text)
        substitutions = {ox.Variable(k): term for k, term in values.items() if names is None or k in names}
        try:
            return self.store.query(bound, prefixes=PREFIXES, substitutions=substitutions)
        except SyntaxError as err:
            raise syntax_error(err, origin, entry) from None

    def select(self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = "") -> Rows:
        """The rows of a SELECT query (dicts of plain Python values keyed by variable name)."""
        solutions = self.run(text, ("SELECT",), values, origin, entry)
        names = [v.value for v in solutions.variables]
        return Rows(names, [dict(zip(names, map(python_value, row), strict=True)) for row in solutions])

    def ask(self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = "") -> bool:
        """The answer to an ASK query."""
        return bool(self.run(text, ("ASK",), values, origin, entry))

    def construct(
        self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = ""
    ) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        return list(self.run(text, ("CONSTRUCT", "DESCRIBE"), values, origin, entry))

    @classmethod
    def on_disk(cls, folder: Path) -> Store:
        """The full release in folder with its direct view, as the read-only on-disk store the build writes beside
        them (folder/oxigraph): opened in milliseconds whatever the size of the graph, for one-shot commands. A
        release without it (written by an older build) is loaded into memory."""
        location = folder / RELEASE_STORE
        if not location.is_dir():
            return cls.for_release(folder)
        store = cls.__new__(cls)
        store.path = folder / "smekg-full.nt"
        try:
            store.store = ox.Store.read_only(str(location))
        except (OSError, RuntimeError) as err:  # RocksDB reports a corrupt file as a RuntimeError
            raise fail("query", location, f"the release's store is damaged ({err}); run `smekg build` again") from None
        return store

    @classmethod
    def for_project(cls, project: Project | None = None, variant: str = "full") -> Store:
        """The project's release of that variant with its direct view (`?s smekg:provides ?o` answers)."""
        return cls.for_release((project or Project.find()).release_dir, variant)

    @classmethod
    def for_release(cls, folder: Path, variant: str = "full") -> Store:
        """The release in folder, of that variant, with its direct view."""
        return cls(folder / f"smekg-{variant}.nt", (folder / DIRECT_FILES[0],))


def run_query(
    name: str, params: dict[str, str] | None = None, store: Store | None = None, project: Project | None = None
) -> list[dict[str, Value]]:
    """Run a canned query by name on the embedded store; rows keyed by variable name."""
    project = project or Project.find()
    query = get_query(name, project)
    values = bindings(query, params or {})
    engine = store or Store.for_project(project)
    check_named(engine, query, params or {}, values)
    return engine.select(query.text, values, origin=str(query.path), entry=query.name)


def answer(query: CannedQuery, params: dict[str, str], engine: Store) -> Rows | bool | list[ox.Triple]:
    """A query of any form on an engine: rows (SELECT), a truth value (ASK) or triples (CONSTRUCT, DESCRIBE); a
    canned query (not one given by its file) is a SELECT."""
    if not query.file:
        refuse_non_select(query.text, str(query.path), query.name)
    values = bindings(query, params)
    check_named(engine, query, params, values)
    method = {"ASK": engine.ask, "CONSTRUCT": engine.construct, "DESCRIBE": engine.construct}
    return method.get(query_form(query.text), engine.select)(query.text, values, str(query.path), query.name)


def stale_sources(project: Project, release: Path) -> list[Path]:
    """The source files changed since the release in that folder was built (newer than its full graph); none for
    the copy a wheel ships (see Project.changed_since)."""
    built = release / "smekg-full.nt"
    return project.changed_since(built) if built.is_file() else []


def turtle(triples: list[ox.Triple]) -> str:
    """Triples as Turtle with smekg's prefixes."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")


# a SELECT, not an ASK: Virtuoso 7.2 answers an ASK with a VALUES row as if it were a SELECT
MENTIONED = "SELECT ?iri WHERE { { ?iri ?p ?o } UNION { ?s ?iri ?o } UNION { ?s ?p ?iri } } LIMIT 1"
SAME_NAMESPACE = """SELECT DISTINCT ?iri WHERE {
  { ?iri ?p ?o } UNION { ?s ?p ?iri }
  FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), ?namespace))
}"""


def check_named(engine: Store, query: CannedQuery, given: dict[str, str], values: dict[str, Term]) -> None:
    """An IRI given for a parameter that names nothing in the graph is an error with the closest names: the
    query would answer nothing, silently."""
    for p in query.params:
        if p.kind != "iri" or p.name not in given or engine.select(MENTIONED, {"iri": values[p.name]}):
            continue
        iri = values[p.name].value
        namespace = re.match(r"^.*[/#:]", iri).group()
        names = [compact(str(r["iri"])) for r in engine.select(SAME_NAMESPACE, {"namespace": ox.Literal(namespace)})]
        import difflib  # only for a mistake: not imported by every one-shot `smekg query`

        close = difflib.get_close_matches(compact(iri), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        message = f"{p.name}={given[p.name]} names nothing in the graph{hint}"
        raise SmekgError("query", [Finding(str(query.path), 0, query.name, message)])


IRI_IN_TEXT = re.compile(r"https?://[^\s;,|<>\"]+")


def display(value: Value) -> str:
    """A cell as text: IRIs compacted, alone or in a list."""
    if value is None:
        return ""
    if isinstance(value, str):
        return IRI_IN_TEXT.sub(lambda m: compact(m.group()), value) if "://" in value else value
    return str(value)


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)


def latex_table(columns: list[str], cells: list[list[str]]) -> str:
    """A booktabs tabularx as wide as the text, every cell escaped for LaTeX: short columns as they are, wide ones
    (over 20 characters) wrapped in X columns that share the width (needs \\usepackage{tabularx, booktabs})."""
    widest = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    spec = "".join(r">{\raggedright\arraybackslash}X" if w > 20 else "l" for w in widest)
    lines = [
        f"\\begin{{tabularx}}{{\\linewidth}}{{{spec}}}",
        "\\toprule",
        " & ".join(latex_escape(c) for c in columns) + r" \\",
        "\\midrule",
    ]
    lines += [" & ".join(latex_escape(v) for v in row) + r" \\" for row in cells]
    return "\n".join(lines + ["\\bottomrule", "\\end{tabularx}"])


def format_rows(rows: list[dict[str, Value]], fmt: str) -> str:
    """Rows as a text table, CSV, JSON, a Markdown table or a LaTeX (booktabs) table."""
    columns = getattr(rows, "columns", None) or (list(rows[0]) if rows else [])
    if fmt == "json":
        import json  # here, like csv: the one-shot `smekg query` prints a table

        return json.dumps(rows, indent=2, default=str, ensure_ascii=False)
    if fmt == "csv":
        import csv  # only for CSV: not imported by every one-shot `smekg query`

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[display(r[c]) for c in columns] for r in rows])
        return out.getvalue().rstrip("\n")
    cells = [[display(r[c]) for c in columns] for r in rows]
    if fmt == "latex":
        return latex_table(columns, cells)
    if fmt == "markdown":
        esc = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in esc])
    return text_table(columns, cells) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


CELL_WIDTH = 80


def cell_lines(value: str) -> list[str]:
    """A cell's lines: wrapped at CELL_WIDTH, never cut; a short one-line cell as it is (what textwrap gives it,
    without its cost: a large answer has thousands of cells)."""
    if len(value) <= CELL_WIDTH and value.isprintable() and value == value.strip() and value:
        return [value]
    import textwrap  # here: most answers have no long cell, and every one-shot `smekg query` starts sooner

    return textwrap.wrap(value, CELL_WIDTH, break_on_hyphens=False) or [""]


def text_table(columns: list[str], cells: list[list[str]]) -> str:
    """A plain-text table; a cell longer than CELL_WIDTH is wrapped onto as many lines as it needs, never cut."""
    wrapped = [[cell_lines(v) for v in row] for row in cells]
    widths = [max([len(c)] + [len(line) for row in wrapped for line in row[i]]) for i, c in enumerate(columns)]
    header = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    lines = [header, "  ".join("-" * w for w in widths)]
    for row in wrapped:
        for parts in zip_longest(*row, fillvalue=""):
            lines.append("  ".join(v.ljust(w) for v, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)
