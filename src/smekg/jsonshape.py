"""Reading JSON answers whose shape is not guaranteed: each access checks the type and says where it failed."""

from __future__ import annotations

from typing import Any


class WrongShape(Exception):
    """An answer not shaped as the service documents it; the message says where (e.g. message.items[2].title)."""


JSON_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}


def json_name(value: object) -> str:
    return "null" if value is None else "a boolean" if isinstance(value, bool) else JSON_NAMES.get(type(value), "?")


def member(obj: object, key: str, kind: type | tuple[type, ...], where: str, required: bool = False) -> Any:
    """obj[key] checked to be of kind; None if absent (or null) and not required; WrongShape otherwise."""
    if not isinstance(obj, dict):
        raise WrongShape(f"{where} is {json_name(obj)}, not an object")
    value = obj.get(key)
    if value is None and not required:
        return None
    if value is None:
        raise WrongShape(f"{where} has no {key!r}")
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        raise WrongShape(f"{where}.{key} is {json_name(value)}, not {' or '.join(JSON_NAMES[k] for k in kinds)}")
    return value


def members(obj: object, key: str, kind: type, where: str, required: bool = False) -> list[Any]:
    """obj[key] checked to be a list whose items are of kind (empty if absent and not required)."""
    values = member(obj, key, list, where, required) or []
    for n, value in enumerate(values):
        if not isinstance(value, kind):
            raise WrongShape(f"{where}.{key}[{n}] is {json_name(value)}, not {JSON_NAMES[kind]}")
    return values
