"""Workbooks an attacker (or a broken exporter) makes, built from an honest one by
rewriting its XML parts: small files that claim, inflate or reference far more
than they hold."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from sheets import write_xlsx

HEADERS = ["company_id", "meeting_date", "meeting_type", "meeting_outcome", "stalled_reason"]
ROW = ["cccccccc-0000-4000-8000-000000000001", "2026-03-04", "numbers", "stalled", "Budget"]
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def honest(folder: Path) -> Path:
    return write_xlsx(folder / "honest.xlsx", HEADERS, [ROW])


def rewritten(
    source: Path, target: Path, parts: dict[str, Callable[[bytes], bytes]], stored: bool = False
) -> Path:
    """A copy of `source` whose parts named in `parts` went through their rewrite."""
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", method) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename in parts:
                data = parts[item.filename](data)
            new.writestr(item.filename, data, compress_type=method, compresslevel=9)
    return target


def _rows_before_end(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def far_cell(folder: Path) -> Path:
    """An honest dimension, but a cell at the grid's far corner (XFD1048576)."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewritten(
        honest(folder), folder / "far_cell.xlsx", {SHEET: lambda x: _rows_before_end(x, far)}
    )


def zip_bomb(folder: Path, gigabytes: float = 3) -> Path:
    """A sheet padded with whitespace that inflates to several GB (a few MB on disk)."""
    target = folder / "bomb.xlsx"
    with (
        zipfile.ZipFile(honest(folder)) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename != SHEET:
                new.writestr(item.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with new.open(SHEET, "w", force_zip64=True) as part:
                part.write(head)
                block = b" " * (64 * 1024**2)
                for _ in range(int(gigabytes * 16)):
                    part.write(block)
                part.write(b"</sheetData>" + tail)
    return target


def shared_string_reused(folder: Path, megabytes: int = 4, times: int = 2000) -> Path:
    """One shared string of several MB, used by thousands of cells."""
    big = b"A" * (megabytes * 1024**2)

    def strings(xml: bytes) -> bytes:
        xml = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="11"', xml)
        return xml.replace(b"</sst>", b"<si><t>" + big + b"</t></si></sst>")

    def sheet(xml: bytes) -> bytes:
        rows = b"".join(
            b'<row r="%d"><c r="A%d" t="s"><v>5</v></c><c r="B%d" t="s"><v>6</v></c>'
            b'<c r="E%d" t="s"><v>10</v></c></row>' % (r, r, r, r)
            for r in range(3, 3 + times)
        )
        xml = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:E%d"/>' % (2 + times), xml)
        return _rows_before_end(xml, rows)

    return rewritten(honest(folder), folder / "sst.xlsx", {STRINGS: strings, SHEET: sheet})


def big_cell(folder: Path, megabytes: int = 1) -> Path:
    """One stalled reason of 1 MB (Excel itself stops at 32,767 characters)."""
    text = b"B" * (megabytes * 1024**2)

    def sheet(xml: bytes) -> bytes:
        row = (
            b'<row r="3"><c r="A3" t="s"><v>5</v></c><c r="B3" t="s"><v>6</v></c>'
            b'<c r="C3" t="s"><v>7</v></c><c r="D3" t="s"><v>8</v></c>'
            b'<c r="E3" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
        )
        return _rows_before_end(re.sub(rb'ref="A1:E2"', b'ref="A1:E3"', xml), row)

    return rewritten(honest(folder), folder / "big_cell.xlsx", {SHEET: sheet})


def wide(folder: Path) -> Path:
    """16,384 columns: every column of the grid has a header."""
    from sheets import write_xlsx as write

    extra = [f"note_{n}" for n in range(16_384 - len(HEADERS))]
    return write(folder / "wide.xlsx", [*HEADERS, *extra], [[*ROW, *(["x"] * len(extra))]])


def styled_empty_rows(folder: Path) -> Path:
    """1,048,576 rows that carry a style and nothing else (a formatted whole column)."""

    def sheet(xml: bytes) -> bytes:
        rows = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % r for r in range(3, 1_048_577))
        return _rows_before_end(xml, rows)

    return rewritten(honest(folder), folder / "styled.xlsx", {SHEET: sheet})


def entity_expansion(folder: Path) -> Path:
    """'Billion laughs' in the shared strings: nine levels of ten entities each."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10)))
        for n in range(1, 10)
    )

    def strings(xml: bytes) -> bytes:
        xml = xml.replace(b"?>", b"?><!DOCTYPE sst [" + entities + b"]>", 1)
        return xml.replace(b"<t>Budget</t>", b"<t>&lol9;</t>")

    return rewritten(honest(folder), folder / "laughs.xlsx", {STRINGS: strings})


def external_entity(folder: Path) -> Path:
    """An external entity pointing at a local file (XXE)."""

    def strings(xml: bytes) -> bytes:
        xml = xml.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
        return xml.replace(b"<t>Budget</t>", b"<t>&xxe;</t>")

    return rewritten(honest(folder), folder / "xxe.xlsx", {STRINGS: strings})


def password_protected(folder: Path, password: str = "Secret-1") -> Path:
    """The honest workbook encrypted as Excel does with File > Protect > Encrypt."""
    from msoffcrypto.format.ooxml import OOXMLFile

    source = honest(folder)
    target = folder / "locked.xlsx"
    with source.open("rb") as plain, target.open("wb") as locked:
        OOXMLFile(plain).encrypt(password, locked)
    return target
