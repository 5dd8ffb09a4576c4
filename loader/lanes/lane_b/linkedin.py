"""LinkedIn's own "Download your data" Connections.csv as Lane B partner candidates.

`loader ingest lane-b partners Connections.csv --from linkedin [--position-keyword TEXT …]
[--only-keywords]`.
We read the file LinkedIn gives a member about their own network; we never scrape
LinkedIn (its User Agreement forbids automated collection). The file starts with a
few lines of notes ("Notes:", a quoted sentence about missing emails, a blank line),
then the header First Name, Last Name, URL, Email Address, Company, Position,
Connected On; emails are mostly blank. Connections whose Position holds every word of
one of the keywords (seeds/lane_b/partner_position_keywords.csv, plus any given with
--position-keyword; only those with --only-keywords) become partner candidates (firm =
Company, else the person's name; contact; LinkedIn URL; email; source `linkedin`) and
are matched to stored partners like any partner row; the rest are counted, not loaded,
and the finance roles no keyword names are listed as near misses.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from loader.errors import FileUnusable, UsageError
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


# Words a position may use for the same role, read as one: "FD" is a finance director,
# "Chief Financial Officer" a CFO. Applied to positions and keywords alike.
_SAME_ROLE = (
    (" chief financial officer ", " cfo "),
    (" financial director ", " finance director "),
    (" fd ", " finance director "),
    (" ondemand ", " on demand "),
    (" parttime ", " part time "),
)
# A position naming one of these, left out by every keyword, is a near miss worth showing.
_ROLE_WORDS = (" cfo ", " finance director ", " finance ")
_NEAR_MISSES_SHOWN = 5


def normalised_position(text: str) -> str:
    """' Part-time FD (Interim) ' -> ' part time finance director interim ' (padded): a
    keyword is read by the same rule as the positions it is matched against."""
    return pl.select(_normalised(pl.lit(text, dtype=pl.String))).item()


def _normalised(position: pl.Expr) -> pl.Expr:
    text = position.fill_null("").str.to_lowercase().str.replace_all(".", "", literal=True)
    words = text.str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
    padded = pl.concat_str(pl.lit(" "), words, pl.lit(" "))
    for alias, role in _SAME_ROLE:
        # Twice: in " fd fd " the two matches of " fd " share a space.
        padded = padded.str.replace_all(alias, role, literal=True)
        padded = padded.str.replace_all(alias, role, literal=True)
    return padded


def position_keywords(given: Sequence[str], only: bool) -> list[str]:
    """The keywords to match: the seed's plus the given ones (only the given with `only`)."""
    if only and not given:
        raise UsageError("--only-keywords needs at least one --position-keyword.")
    chosen = list(given) if only else [*default_keywords(), *given]
    return list(dict.fromkeys(k.strip().lower() for k in chosen if k.strip()))


def linkedin_source(keywords: Sequence[str] | None, columns: Sequence[str]) -> SourceFormat:
    """Connections.csv read as the partner columns `columns`, filtered by position: a
    position matches a keyword when it holds each of the keyword's words, in any order,
    ignoring case, punctuation and brackets, with FD / Chief Financial Officer read as
    finance director / CFO ("CFO (interim)" matches "interim cfo")."""
    phrases = list(keywords) if keywords else position_keywords((), only=False)

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        position = _normalised(pl.col("position"))
        matches = pl.any_horizontal(_holds_all(position, normalised_position(p)) for p in phrases)
        kept = frame.filter(matches)
        warnings = []
        if kept.height < frame.height:
            warnings.append(
                f"{frame.height - kept.height} connection(s) whose position mentions none of "
                f"{', '.join(repr(p) for p in phrases)} were not loaded"
            )
            near = (
                frame.filter(~matches)
                .filter(
                    pl.any_horizontal(position.str.contains(w, literal=True) for w in _ROLE_WORDS)
                )
                .get_column("position")
                .unique(maintain_order=True)
            )
            if near.len():
                shown = ", ".join(repr(p) for p in near.head(_NEAR_MISSES_SHOWN).to_list())
                more = near.len() - _NEAR_MISSES_SHOWN
                more = f" and {more} more" if more > 0 else ""
                warnings.append(
                    f"near misses left out (a finance role, but no keyword): {shown}{more}; "
                    "add one with --position-keyword to load them"
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


def _holds_all(position: pl.Expr, keyword: str) -> pl.Expr:
    """The (normalised, padded) position holds every word of the (normalised) keyword."""
    words = keyword.split()
    return pl.all_horizontal(position.str.contains(f" {w} ", literal=True) for w in words)


def header_line(path: Path) -> int:
    """How many lines come before LinkedIn's header; FileUnusable when it is not the
    Connections.csv LinkedIn writes (no notes first, or headers in another language)."""
    if not path.exists():
        raise FileUnusable(f"{path}: no such file.")
    if not path.is_file():
        raise FileUnusable(f"{path.name}: not a regular file (a folder, a pipe or a device).")
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
