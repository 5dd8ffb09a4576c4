"""Reading one sheet of a workbook in a child process with a memory ceiling.

The reader (calamine, in Rust) sizes what it allocates from what the workbook
says: a 30 KB file whose sheet references one 4 MB shared string 2,000 times, or
names a cell at the grid's far corner, makes it ask for gigabytes, and a failed
allocation aborts the whole process with a Rust backtrace. So the sheet is read
in a child process, and the loader watches what the two of them really use: when
the loader's and the reader's resident memory together pass the ceiling (1.5 GB,
LANES_READER_MEMORY_GB) the child is ended, never the loader (or the machine),
and the person gets one line saying what to do. The child's address space is
also capped (4 GB), so one giant allocation fails at once instead of paging in.
The child hands the sheet back as an Arrow file; the 0.2 s it costs to start is
small beside reading any real sheet.

    python -m loader.sheets.sheet_reader PATH SHEET OUT.arrow ID_COLUMNS
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import polars as pl
import psutil

from loader.errors import FileUnusable

# Loader and reader together, resident: a laptop's share. The 1M-row benchmark
# workbook's reader peaks at ~0.8 GB (docs/benchmarks.md).
DEFAULT_READER_MEMORY_GB = 1.5
# The child's address space: one allocation past this fails at once.
READER_ADDRESS_SPACE_GB = 4
# How often the loader looks at the reader's memory while it reads, and how far
# below the ceiling it ends the reader: a crafted sheet can grow the reader by
# ~100 MB between two looks, and the ceiling is a promise, not a target.
_WATCH_SECONDS = 0.003
_HEADROOM_BYTES = 256 * 1024**2


def normalize_header(header: str) -> str:
    """'  Meeting Date ' -> 'meeting_date'; 'Partner-Email' -> 'partner_email'."""
    text = re.sub(r"[\s\-]+", "_", str(header).strip().lower())
    # ^ and $ at the ends would make the name a regex to polars (pl.col("^.*$")).
    return re.sub(r"_+", "_", text).strip("_").lstrip("^").rstrip("$")


def reader_memory_gb() -> float:
    """The ceiling of loader and reader together: LANES_READER_MEMORY_GB, else 1.5 GB."""
    return float(os.environ.get("LANES_READER_MEMORY_GB") or DEFAULT_READER_MEMORY_GB)


def read_sheet(
    path: Path, sheet: str | None, id_columns: list[str]
) -> tuple[pl.DataFrame, str, list[str]]:
    """(every cell as text, the sheet's name, the id columns stored as numbers), read
    by a child process; FileUnusable when the workbook cannot be read within the
    memory ceiling or at all."""
    with tempfile.TemporaryDirectory(prefix="lanes-sheet-") as folder:
        out = Path(folder) / "sheet.arrow"
        command = [
            sys.executable,
            "-m",
            "loader.sheets.sheet_reader",
            str(path),
            sheet or "",
            str(out),
            json.dumps(id_columns),
        ]
        returncode, stdout, stderr, too_big = _run_watched(command, Path(folder))
        answer = _answer(stdout)
        if returncode == 0 and answer and "sheet" in answer:
            return pl.read_ipc(out), answer["sheet"], answer["numeric"]
    if answer and "error" in answer:
        raise FileUnusable(answer["error"])
    if too_big or returncode < 0 or "memory" in stderr.lower():
        raise FileUnusable(
            f"{path.name}: reading it needs more than {reader_memory_gb():g} GB of memory: its "
            "sheet references far more data than the file holds (a damaged or crafted file, "
            "e.g. one long text repeated in thousands of cells, or a cell at the grid's far "
            "corner). Copy the data into a new workbook, or save it as CSV, and ingest that."
        )
    last = (stderr.strip().splitlines() or ["no detail"])[-1][:200]
    raise FileUnusable(
        f"{path.name}: cannot be read as a workbook ({last}). "
        "Open it in Excel and save it again as .xlsx."
    )


def _run_watched(command: list[str], folder: Path) -> tuple[int, str, str, bool]:
    """Run the reader; end it when loader and reader together pass the ceiling.

    Returns (exit code, its stdout, its stderr, whether it was ended for memory).
    Its output goes to files, not pipes: a full pipe would stall it while we watch.
    """
    ceiling = int(reader_memory_gb() * 1024**3) - _HEADROOM_BYTES
    loader = psutil.Process()
    with (folder / "stdout").open("w+") as stdout, (folder / "stderr").open("w+") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        too_big = False
        try:
            watched = psutil.Process(child.pid)
            while child.poll() is None:
                if loader.memory_info().rss + watched.memory_info().rss > ceiling:
                    child.kill()
                    too_big = True
                    break
                time.sleep(_WATCH_SECONDS)
        except psutil.NoSuchProcess:
            pass  # it ended between two looks
        finally:
            returncode = child.wait()
        stdout.seek(0)
        stderr.seek(0)
        return returncode, stdout.read(), stderr.read(), too_big


def _answer(stdout: str) -> dict | None:
    lines = stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def _load(
    path: Path, sheet: str | None, id_columns: list[str]
) -> tuple[pl.DataFrame, str, list[str]]:
    import fastexcel

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own hierarchy for every corrupt-file case
        raise FileUnusable(
            f"{path.name}: cannot be read as an Excel workbook ({_short(exc)}). "
            "Open it in Excel and save it again as .xlsx."
        ) from exc
    names = reader.sheet_names
    if not names:
        raise FileUnusable(f"{path.name}: the workbook has no sheets.")
    if sheet is None:
        chosen = names[0]
    else:
        matches = [n for n in names if n == sheet] or [
            n for n in names if n.strip().lower() == sheet.strip().lower()
        ]
        if not matches:
            raise FileUnusable(
                f"{path.name}: no sheet named '{sheet}'. Sheets: {', '.join(names)}."
            )
        chosen = matches[0]
    try:
        frame = reader.load_sheet(chosen, dtypes="string").to_polars()
    except Exception as exc:
        message = _short(exc)
        if "empty" in message.lower() or "no data" in message.lower():
            raise FileUnusable(f"{path.name}: sheet '{chosen}' is empty.") from exc
        raise FileUnusable(f"{path.name}: sheet '{chosen}' cannot be read ({message}).") from exc
    if frame.width == 0:
        raise FileUnusable(f"{path.name}: sheet '{chosen}' is empty.")
    wanted = [name for name in frame.columns if normalize_header(name) in id_columns]
    numeric: list[str] = []
    if wanted:
        # The same sheet typed by the reader: which id columns hold numbers, not text.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema = reader.load_sheet(chosen, use_columns=wanted).to_polars().schema
        numeric = [normalize_header(name) for name, dtype in schema.items() if dtype.is_numeric()]
    return frame, chosen, numeric


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else exc.__class__.__name__


def main(argv: list[str]) -> int:
    path, sheet, out, id_columns = argv
    limit = READER_ADDRESS_SPACE_GB * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        frame, chosen, numeric = _load(Path(path), sheet or None, json.loads(id_columns))
    except FileUnusable as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    frame.write_ipc(out, compression="uncompressed")
    print(json.dumps({"sheet": chosen, "numeric": numeric}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
