"""Polite HTTP for `smekg link`: an allow-list of origins (scheme, host and port), a descriptive User-Agent, a
minimum interval per service, retries with back-off on 429/5xx honouring Retry-After, and per request a connect
timeout, a total deadline and a size cap (safeio.read_capped, safeio.with_deadline)."""

from __future__ import annotations

import email.message
import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from SPARQLWrapper import GET, JSON, SPARQLWrapper

from .errors import Finding, SmekgError
from .safeio import NetworkLimit, read_capped, with_deadline

if TYPE_CHECKING:
    from .linking import Settings

SECRET_PARAMS = ("mailto", "api_key")
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # where a request goes: scheme, host, port


class LinkError(SmekgError):
    """A failure of `smekg link`: configuration, a service that keeps failing, a refused URL."""

    def __init__(self, where: str, message: str):
        super().__init__("linking", [Finding(where, 0, "", message)])


def origin(url: str) -> Origin:
    """The scheme, host and port a URL goes to (the scheme's default port when it names none)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    port = parts.port  # a ValueError if it is not a number from 0 to 65535
    return parts.scheme, parts.hostname.lower(), DEFAULT_PORTS[parts.scheme] if port is None else port


def allowed_origins(entries: list[object], where: str) -> tuple[Origin, ...]:
    """The allow-list: each entry is host, host:port or http(s)://host[:port]; https and its port by default."""
    found = []
    for entry in entries:
        text = str(entry) if "://" in str(entry) else f"https://{entry}"
        try:
            parts = urllib.parse.urlsplit(text)
            if parts.path or parts.query or parts.username:
                raise ValueError("a path, query or user name")
            found.append(origin(text))
        except ValueError as err:
            raise LinkError(
                where, f"[polite] allowed_hosts: {entry!r} is not host[:port] or http(s)://host[:port] ({err})"
            ) from None
    return tuple(found)


def ensure_allowed(url: str, allowed: tuple[Origin, ...]) -> None:
    """Refuse any URL whose scheme, host and port are not an entry of the allow-list."""
    try:
        target = origin(url)
    except ValueError:
        target = None
    if target not in allowed:
        named = "://".join(target[:2]) + f":{target[2]}" if target else "it"
        known = ", ".join(f"{s}://{h}:{p}" for s, h, p in allowed)
        raise LinkError(public_url(url), f"refused: {named} is not in [polite] allowed_hosts ({known})")


def public_url(url: str) -> str:
    """The URL without the contact address and the API key: for cache keys, provenance and messages."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in SECRET_PARAMS]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delay in seconds or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class AllowListRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an allow-listed origin."""

    def __init__(self, allowed: tuple[Origin, ...]):
        self.allowed = allowed

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: email.message.Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        ensure_allowed(newurl, self.allowed)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class ConnectWithin:
    """An HTTP(S) connection that must be open within connect_timeout; then each read waits at most its timeout."""

    def __init__(self, *args: object, connect_timeout: float, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def connect(self) -> None:
        read_timeout, self.timeout = self.timeout, self.connect_timeout
        try:
            super().connect()
        finally:
            self.timeout = read_timeout
        self.sock.settimeout(read_timeout)


class TimedHTTPConnection(ConnectWithin, http.client.HTTPConnection):
    pass


class TimedHTTPSConnection(ConnectWithin, http.client.HTTPSConnection):
    pass


class TimedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connect_timeout: float):
        super().__init__()
        self.connect_timeout = connect_timeout

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(TimedHTTPConnection, req, connect_timeout=self.connect_timeout)


class TimedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connect_timeout: float):
        super().__init__()
        self.connect_timeout = connect_timeout

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(TimedHTTPSConnection, req, connect_timeout=self.connect_timeout)


class PoliteClient:
    """HTTP for the link services: allow-list, User-Agent, rate limit, retries with back-off, time and size
    limits; counts requests."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.sleep = sleep
        self.opener = urllib.request.build_opener(
            AllowListRedirects(settings.allowed_hosts),
            TimedHTTPHandler(settings.connect_timeout),
            TimedHTTPSHandler(settings.connect_timeout),
        )
        self.last_sent: dict[str, float] = {}
        self.requests = 0
        self.retries = 0

    def wait_turn(self, service: str) -> None:
        """Keep at least the service's minimum interval between two requests."""
        interval = self.settings.min_interval.get(service, 0.0)
        last = self.last_sent.get(service)
        if last is not None and interval > 0:
            remaining = interval - (time.monotonic() - last)
            if remaining > 0:
                self.sleep(remaining)
        self.last_sent[service] = time.monotonic()

    def fetch(self, request: urllib.request.Request, service: str) -> bytes:
        """The body of the answer, retrying on 429/5xx and network errors; any other HTTP error, or an answer
        over the deadline or the size limit, is a LinkError."""
        ensure_allowed(request.full_url, self.settings.allowed_hosts)
        request.add_header("User-Agent", self.settings.user_agent)
        for attempt in range(self.settings.max_retries + 1):
            self.wait_turn(service)
            self.requests += 1
            try:
                return self.attempt(request)
            except urllib.error.HTTPError as err:
                if err.code not in RETRY_STATUSES or attempt == self.settings.max_retries:
                    raise self.failure(service, request, f"HTTP {err.code} {err.reason}", attempt, err) from err
                delay = retry_after(err.headers.get("Retry-After"), time.time())
            except NetworkLimit as err:
                where, limits = public_url(request.full_url), "see [polite] deadline and max_answer_bytes"
                raise LinkError(where, f"{service}: {err}; not retried, nothing cached ({limits})") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as err:
                if attempt == self.settings.max_retries:
                    raise self.failure(service, request, f"no answer ({network_problem(err)})", attempt, None) from None
                delay = None
            self.back_off(service, request, attempt, delay)
        raise AssertionError("unreachable: the loop returns or raises")

    def attempt(self, request: urllib.request.Request) -> bytes:
        """One request: connected within connect_timeout, the whole answer within deadline and max_answer_bytes."""
        limits = self.settings
        deadline = time.monotonic() + limits.deadline

        def exchange() -> bytes:
            with self.opener.open(request, timeout=limits.timeout) as response:
                return read_capped(response, deadline, limits.max_answer_bytes)

        return with_deadline(exchange, limits.deadline)

    def back_off(self, service: str, request: urllib.request.Request, attempt: int, delay: float | None) -> None:
        """Sleep before the next try: as long as Retry-After asks, else exponential back-off."""
        wait = self.settings.backoff * 2**attempt if delay is None else delay
        if wait > self.settings.max_wait:
            where = public_url(request.full_url)
            raise LinkError(where, f"{service} asks to wait {wait:.0f} s, more than [polite] max_wait; try later")
        self.retries += 1
        self.sleep(wait)

    def failure(self, service: str, request: urllib.request.Request, what: str, attempt: int, err: object) -> LinkError:
        """A LinkError naming the service, the URL (without secrets) and the first words of the answer."""
        body = ""
        if isinstance(err, urllib.error.HTTPError):
            body = first_words(err, self.settings.timeout)
        tail = f": {body}" if body else ""
        return LinkError(public_url(request.full_url), f"{service}: {what} after {attempt + 1} attempt(s){tail}")

    def get_json(self, request: urllib.request.Request | str, service: str) -> object:
        """GET a JSON document."""
        if isinstance(request, str):
            request = urllib.request.Request(request, headers={"Accept": "application/json"})
        data = self.fetch(request, service)
        try:
            return json.loads(data)
        except ValueError as err:
            raise LinkError(public_url(request.full_url), f"{service}: the answer is not JSON ({err})") from None


def first_words(err: urllib.error.HTTPError, seconds: float) -> str:
    """The start of an error answer on one line, read within seconds; empty if it does not come."""
    try:
        return one_line(with_deadline(lambda: err.read(300), seconds).decode("utf-8", "replace"))
    except (NetworkLimit, OSError, http.client.HTTPException):
        return ""


def network_problem(err: Exception) -> str:
    """A network error on one line, e.g. 'URLError: timed out' or "BadStatusLine: 'HELLO'"."""
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    return f"{type(err).__name__}: {one_line(str(reason))}"


def one_line(text: str, limit: int = 200) -> str:
    """Text with every run of white space made one space, cut to limit characters."""
    return " ".join(text.split())[:limit]


def sparql_request(endpoint: str, query: str, agent: str) -> urllib.request.Request:
    """The GET request SPARQLWrapper builds for a SELECT query asking for JSON results."""
    sparql = SPARQLWrapper(endpoint, agent=agent)
    sparql.setMethod(GET)
    sparql.setReturnFormat(JSON)
    sparql.setOnlyConneg(True)
    sparql.setQuery(query)
    return sparql._createRequest()
