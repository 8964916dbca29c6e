"""Turtle read as its writer wrote it: tokens (terms copied verbatim), statements, and the comments between them.

The reader keeps what an RDF parser throws away — each term's exact text and every comment, attached to the
entry it annotates — so that `smekg fmt` can lay a file out again without losing anything. It checks structure,
not meaning: an RDF parser judges the file first (see canonical.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
PN_CHARS = PN_CHARS_BASE + "_0-9\\-\u00b7\u0300-\u036f\u203f-\u2040"
LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2}"
PREFIX_NAME = f"(?:[{PN_CHARS_BASE}][{PN_CHARS}.]*)?:"
LOCAL_NAME = f"(?:[{PN_CHARS}:]|{LOCAL_ESCAPE})(?:[{PN_CHARS}.:]|{LOCAL_ESCAPE})*"

TOKEN = re.compile(
    "|".join(
        [
            r"(?P<space>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            r"(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)",
            r'(?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
            r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
            r'|"(?:[^"\\\r\n]|\\.)*"'
            r"|'(?:[^'\\\r\n]|\\.)*')",
            r"(?P<directive>@prefix\b|@base\b)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<datatype>\^\^)",
            r"(?P<bnode>_:[" + PN_CHARS_BASE + "_0-9](?:[" + PN_CHARS + ".]*[" + PN_CHARS + "])?)",
            f"(?P<pname>{PREFIX_NAME}(?:{LOCAL_NAME})?)",
            r"(?P<number>[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
            r"|[0-9]*\.[0-9]+|[0-9]+))",
            r"(?P<word>[A-Za-z]+)",
            r"(?P<punct>[.;,\[\]()])",
        ]
    )
)
WORDS = {"a": "a", "true": "boolean", "false": "boolean", "prefix": "directive", "base": "directive"}


class TurtleLayoutError(Exception):
    """Text the reader cannot take apart; carries the line it stopped at."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Token:
    kind: str
    text: str
    line: int


def tokenize(text: str) -> list[Token]:
    """Every token and comment of text, with its line; whitespace dropped."""
    tokens: list[Token] = []
    position, line = 0, 1
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise TurtleLayoutError(line, f"unexpected text {text[position : position + 20]!r}")
        kind, value = match.lastgroup or "", match.group()
        if kind == "pname":
            value = without_final_dots(value)
        if kind == "word":
            kind = word_kind(value, line)
        if kind != "space":
            tokens.append(Token(kind, value, line))
        position += len(value)
        line += value.count("\n")
    return tokens


def without_final_dots(name: str) -> str:
    """A prefixed name never ends with an unescaped dot: such a dot ends the statement."""
    while name.endswith(".") and not name.endswith("\\."):
        name = name[:-1]
    return name


def word_kind(word: str, line: int) -> str:
    """The kind of a bare word: `a`, a boolean, or a SPARQL-style directive (any case)."""
    key = word if word in ("a", "true", "false") else word.lower()
    if key not in WORDS or (key in ("prefix", "base") and word.lower() != key):
        raise TurtleLayoutError(line, f"unexpected word {word!r}")
    return WORDS[key]


Comments = list[str]


@dataclass
class Node:
    """A subject or object: a term (verbatim), a blank node property list `[...]` or a collection `(...)`."""

    kind: str
    text: str = ""
    key: tuple = ()
    pairs: list[Pair] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)
    lead: Comments = field(default_factory=list)
    open: Comments = field(default_factory=list)
    close: Comments = field(default_factory=list)


@dataclass
class Pair:
    """One predicate with its objects."""

    verb: Node
    objects: list[Node] = field(default_factory=list)
    lead: Comments = field(default_factory=list)
    open: Comments = field(default_factory=list)


@dataclass
class Statement:
    """A directive (its tokens) or a subject with its predicates; `close` holds the comments after its end."""

    directive: list[str] = field(default_factory=list)
    subject: Node | None = None
    pairs: list[Pair] = field(default_factory=list)
    lead: Comments = field(default_factory=list)
    close: Comments = field(default_factory=list)


@dataclass
class Document:
    """A Turtle file taken apart: its opening comment block, statements in file order, closing comments."""

    header: list[str]
    statements: list[Statement]
    trailer: Comments


class Reader:
    """Recursive descent over the tokens, noting for each token where a comment before or after it belongs."""

    def __init__(self, tokens: list[Token]):
        self.tokens = [t for t in tokens if t.kind != "comment"]
        self.position = 0
        self.starts: dict[int, Comments] = {}  # token index -> lead comments of the entry starting there
        self.owner: dict[int, Comments] = {}  # token index -> comments trailing on its line
        self.prefixes: dict[str, str] = {}

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, owner: Comments, *texts: str, kinds: tuple[str, ...] = ()) -> Token:
        token = self.peek()
        if token is None:
            line = self.tokens[-1].line if self.tokens else 1
            raise TurtleLayoutError(line, "unexpected end of file")
        if (texts and token.text not in texts) or (kinds and token.kind not in kinds):
            raise TurtleLayoutError(token.line, f"unexpected {token.text!r}")
        self.owner[self.position] = owner
        self.position += 1
        return token

    def begin(self, lead: Comments) -> None:
        self.starts.setdefault(self.position, lead)

    def statements(self) -> list[Statement]:
        found = []
        while self.peek() is not None:
            statement = Statement()
            self.begin(statement.lead)
            if self.peek().kind == "directive":  # type: ignore[union-attr]
                self.directive(statement)
            else:
                self.triples(statement)
            found.append(statement)
        return found

    def directive(self, statement: Statement) -> None:
        keyword = self.take(statement.close, kinds=("directive",)).text
        words = [keyword]
        if keyword.lower().endswith("prefix"):
            name = self.take(statement.close, kinds=("pname",)).text
            if not name.endswith(":"):
                raise TurtleLayoutError(self.tokens[self.position - 1].line, f"bad prefix name {name!r}")
            words.append(name)
        iri = self.take(statement.close, kinds=("iri",)).text
        words.append(iri)
        if len(words) == 3:
            self.prefixes[words[1]] = iri[1:-1]
        if keyword.startswith("@"):
            words[-1] += " " + self.take(statement.close, ".").text
        statement.directive = words

    def triples(self, statement: Statement) -> None:
        statement.subject = self.node(subject=True)
        needs_pairs = statement.subject.kind != "bnode" or self.peek_text() != "."
        if needs_pairs:
            statement.pairs = self.pairs(".")
        close = statement.close if self.on_new_line() else self.last_close()
        self.take(close, ".")

    def peek_text(self) -> str:
        token = self.peek()
        return token.text if token else ""

    def on_new_line(self) -> bool:
        token = self.peek()
        return token is not None and self.position > 0 and token.line != self.tokens[self.position - 1].line

    def last_close(self) -> Comments:
        return self.owner[self.position - 1]

    def pairs(self, end: str) -> list[Pair]:
        found = []
        while True:
            lead: Comments = []
            self.begin(lead)
            open_: Comments = []
            token = self.take(open_, kinds=("a", "iri", "pname"))
            pair = Pair(Node("term", token.text, self.term_key(token)), lead=lead, open=open_)
            pair.objects.append(self.node())
            while self.peek_text() == ",":
                self.take(self.last_close(), ",")
                pair.objects.append(self.node())
            found.append(pair)
            while self.peek_text() == ";":
                self.take(self.last_close(), ";")
            if self.peek_text() in (end, ""):
                return found

    def node(self, subject: bool = False) -> Node:
        token = self.peek()
        if token is None:
            raise TurtleLayoutError(self.tokens[-1].line, "unexpected end of file")
        node = Node("term")
        self.begin(node.lead)
        if token.text == "[":
            return self.property_list(node)
        if token.text == "(":
            return self.collection(node)
        kinds = ("iri", "pname", "bnode") if subject else ("iri", "pname", "bnode", "string", "number", "boolean")
        token = self.take(node.close, kinds=kinds)
        node.text, node.key = token.text, self.term_key(token)
        if token.kind == "string":
            self.literal_suffix(node)
        return node

    def literal_suffix(self, node: Node) -> None:
        """Join a string to its language tag or datatype, as one verbatim term."""
        if self.peek_text().startswith("@") and self.peek().kind == "langtag":  # type: ignore[union-attr]
            node.text += self.take(node.close).text
        elif self.peek_text() == "^^":
            self.take(node.close)
            datatype = self.take(node.close, kinds=("iri", "pname"))
            node.text += "^^" + datatype.text
        node.key = (*node.key, node.text)

    def property_list(self, node: Node) -> Node:
        node.kind = "bnode"
        self.take(node.open, "[")
        if self.peek_text() != "]":
            node.pairs = self.pairs("]")
        self.take(node.close, "]")
        node.key = (3,)
        return node

    def collection(self, node: Node) -> Node:
        node.kind = "list"
        self.take(node.open, "(")
        while self.peek_text() not in (")", ""):
            node.items.append(self.node())
        self.take(node.close, ")")
        node.key = (3,)
        return node

    def place_comment(self, comment: Token, after: int, trailer: Comments) -> None:
        """A comment trails the token before it on its line, or else leads the entry that starts after it, or
        else (before ',', ';', '.', ']' or ')') trails the token before it; after the last token it ends the file."""
        text = comment.text.rstrip()
        if self.tokens[after - 1].line == comment.line:
            self.owner[after - 1].append(text)
        elif after in self.starts:
            self.starts[after].append(text)
        elif after < len(self.tokens):
            self.owner[after - 1].append(text)
        else:
            trailer.append(text)

    def term_key(self, token: Token) -> tuple:
        """Sort key: `a` first, then IRIs (expanded), blank node labels, literals by lexical text."""
        if token.kind == "a":
            return (0, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        if token.kind == "iri":
            return (1, token.text[1:-1])
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            return (1, self.prefixes.get(prefix + ":", prefix + ":") + local)
        if token.kind == "bnode":
            return (2, token.text)
        quote = 3 if token.text[:3] in ('"""', "'''") else 1 if token.kind == "string" else 0
        return (4, token.text[quote : len(token.text) - quote])


def read_document(text: str) -> Document:
    """Take a Turtle text apart into statements, attaching every comment to the entry it annotates."""
    tokens = tokenize(text)
    reader = Reader(tokens)
    statements = reader.statements()
    opening = tokens[: next((i for i, t in enumerate(tokens) if t.kind != "comment"), len(tokens))]
    header, touching = split_opening(opening, reader.tokens[0].line if reader.tokens else None)
    trailer: Comments = [] if reader.tokens else touching
    if reader.tokens:
        reader.starts[0].extend(touching)
    after = 0  # the number of non-comment tokens before the comment
    for token in tokens[len(opening) :]:
        if token.kind == "comment":
            reader.place_comment(token, after, trailer)
        else:
            after += 1
    return Document(header, statements, trailer)


def split_opening(comments: list[Token], first_line: int | None) -> tuple[list[str], Comments]:
    """The comments before the first statement: the file's header block (up to the last blank line among
    them) and the comments that touch the first statement (they annotate it)."""
    if not comments:
        return [], []
    lines = [c.line for c in comments]
    ends = [*lines[1:], first_line if first_line is not None else lines[-1] + 2]
    gaps = [i for i, (line, after) in enumerate(zip(lines, ends, strict=True)) if after - line > 1]
    cut = gaps[-1] + 1 if gaps else 0
    header: list[str] = []
    for i, comment in enumerate(comments[:cut]):
        header.append(comment.text.rstrip())
        if i in gaps and i != cut - 1:
            header.append("")
    return header, [c.text.rstrip() for c in comments[cut:]]
