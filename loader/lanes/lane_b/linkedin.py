"""LinkedIn's own "Download your data" Connections.csv as Lane B partner candidates.

`loader ingest lane-b partners Connections.csv --from linkedin [--position-keyword TEXT …]`.
We read the file LinkedIn gives a member about their own network; we never scrape
LinkedIn (its User Agreement forbids automated collection). The file starts with a
few lines of notes ("Notes:", a quoted sentence about missing emails, a blank line),
then the header First Name, Last Name, URL, Email Address, Company, Position,
Connected On; emails are mostly blank. Connections whose Position contains one of the
keywords (default: seeds/lane_b/partner_position_keywords.csv) become partner
candidates (firm = Company, else the person's name; contact; LinkedIn URL; email;
source `linkedin`) and are matched to stored partners like any partner row; the rest
are counted, not loaded.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from loader.errors import FileUnusable
from loader.ingest.flow import SourceFormat
from loader.platform.paths import project_root
from loader.sheets.sheet_reader import normalize_header
from loader.sheets.workbook import ROW

# LinkedIn's headers, in its order (as read: lower-case, spaces to _).
HEADERS = ["first_name", "last_name", "url", "email_address", "company", "position",
           "connected_on"]  # fmt: skip
KEYWORDS_SEED = Path("seeds") / "lane_b" / "partner_position_keywords.csv"
# The notes take three lines today; a few more are tolerated, a whole file is not read.
_PREAMBLE_LINES = 20


def default_keywords() -> list[str]:
    with (project_root() / KEYWORDS_SEED).open(encoding="utf-8", newline="") as handle:
        return [row["keyword"].strip().lower() for row in csv.DictReader(handle)]


def linkedin_source(keywords: Sequence[str] | None, columns: Sequence[str]) -> SourceFormat:
    """Connections.csv read as the partner columns `columns`, filtered by position."""
    phrases = [k.strip().lower() for k in (keywords or default_keywords()) if k.strip()]

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        position = pl.col("position").str.to_lowercase().fill_null("")
        matches = pl.any_horizontal(position.str.contains(p, literal=True) for p in phrases)
        kept = frame.filter(matches)
        warnings = []
        if kept.height < frame.height:
            warnings.append(
                f"{frame.height - kept.height} connection(s) whose position mentions none of "
                f"{', '.join(repr(p) for p in phrases)} were not loaded"
            )
        name = pl.concat_str(
            pl.col("first_name").fill_null(""), pl.col("last_name").fill_null(""), separator=" "
        ).str.strip_chars()
        values = {
            "firm_name": pl.coalesce(pl.col("company"), name),
            "primary_contact_name": name.replace("", None),
            "linkedin_url": pl.col("url"),
            "email": pl.col("email_address"),
            "source": pl.lit("linkedin"),
        }
        selected = [
            values.get(c, pl.lit(None, dtype=pl.String)).cast(pl.String).alias(c) for c in columns
        ]
        return kept.select(ROW, *selected), warnings

    return SourceFormat(
        known=HEADERS,
        required=["first_name", "last_name", "url", "company", "position"],
        to_columns=to_columns,
        preamble=header_line,
    )


def header_line(path: Path) -> int:
    """How many lines come before LinkedIn's header; FileUnusable when it is not the
    Connections.csv LinkedIn writes (no notes first, or headers in another language)."""
    if path.suffix.lower() != ".csv":
        raise FileUnusable(
            f"{path.name}: --from linkedin reads the Connections.csv of LinkedIn's "
            "'Download your data' export, as it is (a .csv file)."
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = [handle.readline() for _ in range(_PREAMBLE_LINES)]
    except UnicodeDecodeError:
        raise FileUnusable(f"{path.name}: is not UTF-8 text, as LinkedIn writes it.") from None
    if not lines[0].strip().lower().startswith("notes"):
        raise FileUnusable(
            f"{path.name}: does not start with LinkedIn's notes, so it is not Connections.csv "
            "as LinkedIn wrote it: download it again (Settings > Data privacy > Get a copy "
            "of your data > Connections), or load an edited file with a mapping "
            "(--from FILE.toml)."
        )
    for index, line in enumerate(lines):
        cells = [normalize_header(c) for c in next(csv.reader([line]), [])]
        if cells[: len(HEADERS)] == HEADERS:
            return index
        if len(cells) == len(HEADERS) and index > 0:
            raise FileUnusable(
                f"{path.name}: its headers ({line.strip()}) are not LinkedIn's English ones: "
                "set LinkedIn's language to English and download it again, or map them with "
                "--from FILE.toml."
            )
    raise FileUnusable(
        f"{path.name}: no header First Name, Last Name, URL, Email Address, Company, "
        "Position, Connected On in its first lines: it is not LinkedIn's Connections.csv."
    )
