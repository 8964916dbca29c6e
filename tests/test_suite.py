"""The suite's own bookkeeping: the tests conftest.py marks slow in files it does not own still exist."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import SLOW_BUT_FIRST_ELSEWHERE, SLOW_ELSEWHERE


def test_every_test_marked_slow_from_conftest_exists():
    """A renamed test would silently join the fast loop (`-m "not slow"`): its name must be updated in conftest."""
    for name, tests in [*SLOW_ELSEWHERE.items(), *SLOW_BUT_FIRST_ELSEWHERE.items()]:
        tree = ast.parse((Path(__file__).parent / name).read_text(encoding="utf-8"))
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert tests <= defined, (name, tests - defined)
