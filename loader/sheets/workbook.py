"""Reading a spreadsheet (xlsx, xlsm, xls, ods or csv) into a table of trimmed text.

Every cell comes back as text (or null), so one set of parsers handles typed
Excel cells and CSV alike; the spreadsheet row number a person sees (header =
row 1) travels with each row as `__row`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from loader.errors import FileUnusable
from loader.ingest.file_kinds import FileKind, other_kind
from loader.sheets.sheet_reader import normalize_header, read_sheet

__all__ = ["normalize_header"]  # where the lanes and tests look for it

ROW = "__row"
# .ods: LibreOffice's default format; the same reader (calamine) reads it.
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# A European Excel writes ';' (the comma is its decimal mark); some exports use tabs.
CSV_DELIMITERS = (",", ";", "\t")
SUFFIXES = EXCEL_SUFFIXES | {".csv"}


@dataclass(frozen=True)
class Table:
    path: Path
    sha256: str
    sheet: str | None
    frame: pl.DataFrame  # text columns with normalised names, plus ROW
    found_columns: list[str]
    unknown_columns: list[str]
    # Id columns whose cells the workbook stores as numbers (leading zeros, digits lost).
    numeric_id_columns: list[str] = field(default_factory=list)
    as_written: dict[str, str] = field(default_factory=dict)  # header as read -> as in the file
    read_as: str | None = None  # a CSV's encoding when it is not UTF-8 (UTF-16, Windows-1252)

    @property
    def rows_read(self) -> int:
        return self.frame.height


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(
    path: Path,
    known_columns: list[str],
    required_columns: list[str],
    sheet: str | None = None,
    id_columns: list[str] | None = None,
    skip: int = 0,
    choose: Callable[[dict[str, str]], tuple[list[str], list[str]]] | None = None,
) -> Table:
    """Read, normalise headers, check required columns, trim text, drop empty rows.

    `skip`: lines before a CSV's header (a preamble the program writing it adds)."""
    path = Path(path)
    if not path.exists():
        raise FileUnusable(f"{path}: no such file.")
    if path.is_dir():
        raise FileUnusable(f"{path}: is a folder, not a file.")
    if not path.is_file():
        # A pipe or a device never ends, or ends when it likes: only files are read.
        raise FileUnusable(f"{path}: not a regular file (a pipe or a device); save it as one.")
    suffix = path.suffix.lower()
    if suffix in (".ics", ".ical", ".ifb"):
        raise FileUnusable(
            f"{path.name}: this is a calendar: use `loader template lane-a meetings.xlsx "
            "--from-calendar FILE --our-domain YOURS.com` (or `loader sync lane-a calendar`)."
        )
    if suffix not in SUFFIXES:
        raise FileUnusable(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'. "
            "Use .xlsx, .xlsm, .xls, .ods or .csv (UTF-8)."
        )
    if suffix == ".csv":
        if sheet:
            raise FileUnusable(f"{path.name}: --sheet applies to workbooks, not to a CSV file.")
        (raw, read_as), sheet_name, numeric_ids = _read_csv(path, skip), None, []
    else:
        check_archive(path)
        raw, sheet_name, numeric_ids = read_sheet(path, sheet, id_columns or [])
        read_as = None

    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    blank_headers: list[str] = []
    for original in raw.columns:
        name = normalize_header(original)
        if not name or name.startswith("__unnamed__"):
            blank_headers.append(original)
            continue
        if name in seen:
            raise FileUnusable(
                f"{path.name}: the columns '{seen[name]}' and '{original}' are the same column "
                f"('{name}'). Keep one of them."
            )
        seen[name] = original
        renamed[original] = name

    for original in blank_headers:
        if raw.get_column(original).drop_nulls().len() > 0:
            raise FileUnusable(
                f"{path.name}: a column without a header holds data. "
                "Give it a header from the template, or delete it."
            )

    found = list(renamed.values())
    if choose is not None:
        try:
            known_columns, required_columns = choose(seen)
        except FileUnusable as error:
            raise FileUnusable(f"{path.name}: {error}") from None
    missing = [c for c in required_columns if c not in found]
    other = other_kind(found, known_columns, only_always=not missing)
    if other:
        raise FileUnusable(f"{path.name}: this is {other.what}: use `{other.command}`.")
    if missing:
        raise FileUnusable(
            f"{path.name}: required column(s) missing: {', '.join(missing)}. "
            f"Found: {_listed(found) or '(no headers)'}. "
            "Start from `loader template ...` to get the exact headers."
        )
    unknown = [c for c in found if c not in known_columns]
    wanted = [orig for orig, name in renamed.items() if name in known_columns]

    # By the column itself, never pl.col(name): polars reads a name like ^...$ as a regex.
    frame = pl.DataFrame(
        [raw.get_column(original).cast(pl.String).rename(renamed[original]) for original in wanted]
    )
    frame = frame.select(pl.col(c).str.strip_chars().replace("", None) for c in frame.columns)
    for column in known_columns:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = frame.select(known_columns).with_row_index(ROW, offset=2 + skip)
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    frame = frame.filter(~pl.all_horizontal(pl.col(known_columns).is_null()))
    return Table(
        path,
        file_sha256(path),
        sheet_name,
        frame,
        found,
        unknown,
        numeric_ids,
        as_written=seen,
        read_as=read_as,
    )


def _kind_below_a_preamble(path: Path, lines: int = 12) -> FileKind | None:
    """A file of a kind we know whose header comes after a few lines of notes (LinkedIn's
    Connections.csv), told by the headers of its first lines."""
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        head = [handle.readline(4096) for _ in range(lines)]
    for line in head[1:]:
        cells = [normalize_header(c) for c in next(csv.reader([line]), [])]
        other = other_kind(cells, [])
        if other:
            return other
    return None


def _listed(names: list[str], most: int = 30, chars: int = 60) -> str:
    """Names for a message: each cut at `chars`, at most `most` of them."""
    shown = [n if len(n) <= chars else f"{n[:chars]}… ({len(n):,} characters)" for n in names]
    more = f", … ({len(names) - most:,} more)" if len(names) > most else ""
    return ", ".join(shown[:most]) + more


def csv_delimiter(header: str) -> str:
    """The delimiter of a CSV, from its header line: the one that splits it most."""
    counts = {d: _outside_quotes(header).count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


_CHUNK = 1 << 20
# A CSV line longer than this is not a row of a sheet (a cell holds 32,767 characters);
# a line of 200 MB would make the CSV reader ask for gigabytes. And no more columns than
# a sheet has (Excel: 16,384).
MAX_CSV_LINE_BYTES = 4 * 1024**2
MAX_COLUMNS = 16_384
# A CSV is read whole into memory (about 3 to 6 times its size at its peak): no more
# bytes than keep that under 1.5 GB, and no more lines than a sheet has rows (Excel:
# 1,048,576), the same bound as a workbook's.
MAX_CSV_BYTES = 256 * 1024**2
MAX_CSV_LINES = 1_048_576


def csv_encoding(path: Path) -> str:
    """How a CSV's text is encoded, read through once in chunks: UTF-8 (with or without
    BOM), UTF-16 (its BOM: Excel's "Unicode Text"), else Windows-1252 (Excel's "CSV" on a
    Western Windows, Latin-1's superset); FileUnusable when it is none of them, or when a
    line is longer than a row can be (checked in the same pass, in constant memory)."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise FileUnusable(
            f"{path.name}: {size / 1024**2:,.0f} MB is more than the "
            f"{MAX_CSV_BYTES // 1024**2} MB a CSV may hold here. Split it into files of "
            "at most a million rows and load each."
        )
    utf8 = codecs.getincrementaldecoder("utf-8")()
    current, number = 0, 1
    with path.open("rb") as handle:
        utf16 = handle.read(4).startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        is_utf8 = not utf16
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            parts = chunk.split(b"\n")
            for index, part in enumerate(parts):
                current += len(part)
                if current > MAX_CSV_LINE_BYTES:
                    raise FileUnusable(
                        f"{path.name}: line {number:,} is longer than "
                        f"{MAX_CSV_LINE_BYTES // 1024**2} MB: not a row of a spreadsheet. "
                        "Open it in Excel and save it as .xlsx, or check the file."
                    )
                if index < len(parts) - 1:
                    current, number = 0, number + 1
            if number > MAX_CSV_LINES + 1:
                raise FileUnusable(
                    f"{path.name}: more than {MAX_CSV_LINES:,} lines, more rows than a "
                    "sheet holds. Split it into files of at most a million rows and load each."
                )
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
        if utf16:
            return "utf-16"
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
                return "utf-8-sig"
            except UnicodeDecodeError:
                pass
        handle.seek(0)
        cp1252 = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := handle.read(_CHUNK):
                cp1252.decode(chunk)
        except UnicodeDecodeError:
            raise FileUnusable(
                f"{path.name}: is not text we can read (neither UTF-8, UTF-16 nor "
                "Windows-1252). Save it from Excel as 'CSV UTF-8', or save it as .xlsx."
            ) from None
        return "cp1252"


def _utf8_copy(path: Path, encoding: str) -> Path:
    """The file re-encoded as UTF-8, beside the system's temporary files (streamed)."""
    handle, name = tempfile.mkstemp(suffix=".csv")
    os.close(handle)
    copy = Path(name)
    try:
        with (
            path.open(encoding=encoding, newline="") as source,
            copy.open("w", encoding="utf-8", newline="") as target,
        ):
            while text := source.read(_CHUNK):
                target.write(text)
    except (UnicodeDecodeError, UnicodeError):
        copy.unlink(missing_ok=True)
        raise FileUnusable(
            f"{path.name}: is not {encoding} text throughout. Save it from Excel as "
            "'CSV UTF-8', or save it as .xlsx."
        ) from None
    return copy


def _read_csv(path: Path, skip: int = 0) -> tuple[pl.DataFrame, str | None]:
    """(the CSV's cells as text, the encoding it was read from when not UTF-8)."""
    encoding = csv_encoding(path)
    source = path if encoding == "utf-8-sig" else _utf8_copy(path, encoding)
    try:
        return _read_utf8_csv(source, path.name, skip), (
            None
            if encoding == "utf-8-sig"
            else {"utf-16": "UTF-16", "cp1252": "Windows-1252"}[encoding]
        )
    finally:
        if source != path:
            source.unlink(missing_ok=True)


def _read_utf8_csv(path: Path, name: str, skip: int) -> pl.DataFrame:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        header = handle.readline()
    if not header.strip():
        raise FileUnusable(f"{name}: the file is empty.")
    delimiter = csv_delimiter(header)
    shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
    columns = _outside_quotes(header).count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise FileUnusable(
            f"{name}: its header has {columns:,} columns, more than a sheet holds "
            f"({MAX_COLUMNS:,}): not one of our files."
        )
    try:
        return pl.read_csv(
            path, infer_schema=False, encoding="utf8", separator=delimiter, skip_rows=skip
        )
    except pl.exceptions.NoDataError as exc:
        raise FileUnusable(f"{name}: the file is empty.") from exc
    except pl.exceptions.ComputeError as exc:
        other = _kind_below_a_preamble(path)
        if other:
            raise FileUnusable(f"{name}: this is {other.what}: use `{other.command}`.") from exc
        # polars' own wording means nothing to the person holding the file.
        raise FileUnusable(
            f"{name}: cannot be read as a CSV separated by {shown}: some lines do not "
            "have as many cells as the header, or a quote is not closed. Open it in Excel "
            "and save it as .xlsx (or 'CSV UTF-8')."
        ) from exc


# What a workbook may claim before the reader sees it: the reader sizes its grid from a
# sheet's declared dimension, so a 1 KB file claiming the whole grid (17 billion cells)
# would make it ask for hundreds of GB. 30 million cells is 1M rows of 30 columns.
MAX_CLAIMED_CELLS = 30_000_000
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_RATIO = 500  # uncompressed / compressed, per part, above a few MB: a zip bomb
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def check_archive(path: Path) -> None:
    """Refuse a zipped workbook (.xlsx, .xlsm, .ods) that would not fit in memory, cheaply:
    declared sizes and ratios from the zip directory, and each sheet's declared dimension
    from the first bytes of its XML (streamed, never parsed whole)."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC and path.suffix.lower() != ".xls":
        # Excel saves an encrypted .xlsx inside an OLE container, never otherwise.
        raise FileUnusable(
            f"{path.name}: is password-protected (encrypted). Open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password, clear it), "
            "save, and ingest it again."
        )
    if path.suffix.lower() == ".xls":
        return  # the old binary format is not a zip; its reader has its own limits
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise FileUnusable(
            f"{path.name}: is not a workbook (not a valid {path.suffix} file, perhaps "
            "renamed or cut short). Open it in Excel or LibreOffice and save it again."
        ) from exc
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileUnusable(
                f"{path.name}: unpacks to {unpacked / 1024**3:.1f} GB, more than the "
                f"{MAX_UNPACKED_BYTES // 1024**3} GB a workbook may hold here. Save the data as "
                "CSV (UTF-8) instead, or split it into smaller workbooks."
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 8 * 1024**2 and ratio > MAX_RATIO:
                raise FileUnusable(
                    f"{path.name}: part {member.filename} unpacks {ratio:.0f} times its size "
                    "(a zip bomb or a damaged file). Copy the data into a new workbook."
                )
        real = 0
        for member in members:
            real += _check_part(path, archive, member, MAX_UNPACKED_BYTES - real)


def _check_part(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, room: int) -> int:
    """Inflate one part as a stream and check: a sheet's declared dimension, the part's
    real size (the directory's sizes can lie; this stops at `room`), and no DTD (Excel
    never writes one; entities are how XML bombs and external-file reads start)."""
    size = 0
    tail = b""
    sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
    try:
        with archive.open(member) as part:
            while block := part.read(4 * 1024**2):
                if sheet and not size:
                    _check_dimension(path, block[: 64 * 1024])
                size += len(block)
                if size > room:
                    raise FileUnusable(
                        f"{path.name}: unpacks to more than {MAX_UNPACKED_BYTES // 1024**3} GB "
                        "(its zip directory says less: a damaged or crafted file). Copy the "
                        "data into a new workbook, or save it as CSV."
                    )
                if member.filename.endswith((".xml", ".rels")):
                    window = tail + block
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise FileUnusable(
                            f"{path.name}: part {member.filename} declares XML entities "
                            "(a DOCTYPE), which Excel never writes: a crafted file. Copy the "
                            "data into a new workbook and ingest that."
                        )
                    tail = block[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise FileUnusable(
            f"{path.name}: is damaged (part {member.filename} does not unpack: "
            f"{str(exc)[:80]}). Open it in Excel or LibreOffice and save it again."
        ) from exc
    return size


def _check_dimension(path: Path, head: bytes) -> None:
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return
    first_col, first_row, last_col, last_row = (part.decode() for part in found.groups())
    cells = (int(last_row) - int(first_row) + 1) * (
        _column_number(last_col) - _column_number(first_col) + 1
    )
    if cells > MAX_CLAIMED_CELLS:
        raise FileUnusable(
            f"{path.name}: a sheet claims {cells:,} cells ({first_col}{first_row}:"
            f"{last_col}{last_row}), more than the {MAX_CLAIMED_CELLS:,} a workbook may hold "
            "here. Copy the data into a new workbook (or save it as CSV) and ingest that."
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


# A header comes within the first lines (LinkedIn writes three lines of notes first).
_HEADER_SEARCH_LINES = 20


def headers_of(path: Path, is_header: Callable[[list[str]], bool]) -> list[str]:
    """A file's headers as read (normalised), to tell which kind of file it is: a
    workbook's first row; a CSV's first line, or the first of its first lines that
    `is_header` takes (a preamble of notes before the header). Bounded like a read."""
    path = Path(path)
    if not path.is_file():
        raise FileUnusable(f"{path}: not a regular file (a pipe, a device or a folder).")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FileUnusable(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'. "
            "Use .xlsx, .xlsm, .xls, .ods or .csv (UTF-8)."
        )
    if suffix != ".csv":
        check_archive(path)
        raw, _, _ = read_sheet(path, None, [])
        return [normalize_header(c) for c in raw.columns]
    encoding = csv_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        lines = [handle.readline(MAX_CSV_LINE_BYTES) for _ in range(_HEADER_SEARCH_LINES)]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise FileUnusable(f"{path.name}: the file is empty.")
    rows = [
        [normalize_header(c) for c in next(csv.reader([line], delimiter=csv_delimiter(line)), [])]
        for line in lines
    ]
    return next((row for row in rows if is_header(row)), rows[0])
