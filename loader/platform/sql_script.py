"""Split a SQL script into statements, so a failure can name the one that broke.

Handles single-quoted strings, quoted identifiers, dollar-quoted bodies and
both comment styles; that is all PostgreSQL DDL scripts need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$[A-Za-z_][A-Za-z_0-9]*\$|\$\$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of the statement's first character


def split_statements(script: str) -> list[Statement]:
    statements: list[Statement] = []
    start = 0
    i = 0
    n = len(script)
    while i < n:
        ch = script[i]
        if ch == "-" and script.startswith("--", i):
            end = script.find("\n", i)
            i = n if end == -1 else end + 1
        elif ch == "/" and script.startswith("/*", i):
            end = script.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch in ("'", '"'):
            i = _skip_quoted(script, i, ch)
        elif ch == "$" and (match := _DOLLAR_TAG.match(script, i)):
            tag = match.group(0)
            end = script.find(tag, match.end())
            i = n if end == -1 else end + len(tag)
        elif ch == ";":
            _append(statements, script, start, i)
            i += 1
            start = i
        else:
            i += 1
    _append(statements, script, start, n)
    return statements


def _skip_quoted(script: str, i: int, quote: str) -> int:
    i += 1
    while i < len(script):
        if script[i] == quote:
            if script.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return i


def _append(statements: list[Statement], script: str, start: int, end: int) -> None:
    chunk = script[start:end]
    body = _strip_leading_comments(chunk)
    if not body.strip():
        return
    offset = start + chunk.index(body.strip()[0]) if body.strip() else start
    statements.append(Statement(body.strip(), script.count("\n", 0, offset) + 1))


def _strip_leading_comments(chunk: str) -> str:
    text = chunk.lstrip()
    while text.startswith("--") or text.startswith("/*"):
        if text.startswith("--"):
            nl = text.find("\n")
            text = "" if nl == -1 else text[nl + 1 :].lstrip()
        else:
            close = text.find("*/")
            text = "" if close == -1 else text[close + 2 :].lstrip()
    return text
