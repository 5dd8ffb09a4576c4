"""The workbook reader's memory: an honest 1M-row sheet must load under the ceiling
that refuses crafted ones (loader/sheets/sheet_reader.py, 1.5 GB for loader and reader
together).

Writes the bench's 1M meetings as an xlsx (bench/out/, reused when present), reads it
the way `loader ingest` does (a loader process, the reader in its child) and samples
both processes' resident memory every 5 ms. Prints the peak and whether the sheet
loaded; results in bench/results_reader.md.

    make bench-reader
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent

READ = (
    "import sys; from pathlib import Path; from loader.sheets.sheet_reader import read_sheet; "
    "frame, _, _ = read_sheet(Path(sys.argv[1]), None, []); print(frame.height)"
)


def peak_of(command: list[str]) -> tuple[int, str, float, float]:
    """(exit code, stdout, seconds, peak resident MB of the process and its children)."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:  # fmt: skip
        root, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                peak = max(peak, sum(p.memory_info().rss for p in [root, *root.children(True)]))
            time.sleep(0.005)
        out, err = process.communicate()
    return process.returncode, (out + err).strip(), time.perf_counter() - started, peak / 1e6


def main() -> None:
    from lanes_bench import meetings_xlsx
    from view_bench import meetings_csv

    xlsx = meetings_csv(1_000_000).with_suffix(".xlsx")
    if not xlsx.exists():
        meetings_xlsx(xlsx.with_suffix(".csv"))
    code, output, seconds, peak = peak_of([sys.executable, "-c", READ, str(xlsx)])
    line = (
        f"| 1,000,000 meetings, {xlsx.stat().st_size / 1e6:,.0f} MB xlsx | "
        f"{'loaded ' + output.splitlines()[-1] + ' rows' if code == 0 else 'refused'} | "
        f"{seconds:.1f} s | {peak:,.0f} MB |"
    )
    print(line)
    (ROOT / "results_reader.md").write_text(
        "# Reading a 1M-row workbook under the reader's memory ceiling\n\n"
        "`make bench-reader` (2 cores); peak = loader and reader together, resident.\n\n"
        "| workbook | result | time | peak |\n|---|---|---:|---:|\n" + line + "\n"
    )


if __name__ == "__main__":
    main()
