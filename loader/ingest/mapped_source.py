"""A CRM export read through a mapping (loader/ingest/mapping.py) as a lane's own columns.

The file's headers are matched to the mapping's (`resolve`), then its rows are turned into
ours: their values into ours (trimmed, any case), dates written in the mapping's
date_format as ISO dates, the rules over several columns applied in order (a rule may
leave a row out, counted), our defaults where the file has nothing. Everything after that
is the usual ingest: every cell typed and checked, all or nothing. A value the mapping does
not cover is left as it is, so the ingest refuses it naming the value, the rows and the
[values] table to add it to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from loader.errors import FileUnusable
from loader.ingest.file_kinds import other_kind
from loader.ingest.flow import SourceFormat
from loader.ingest.mapping import Condition, CrmMapping, header_key, without_object_prefix
from loader.sheets.column import Column
from loader.sheets.workbook import ROW


@dataclass(frozen=True)
class Resolution:
    """Which of the file's headers (as read) each of our columns and inputs comes from."""

    headers: dict[str, str | None]
    # A name whose headers match several of the file's only without their object
    # prefix ("ID" in "Person - ID" and "Organization - ID"): read from none of them.
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def resolve(mapping: CrmMapping, columns: Sequence[Column], found: Sequence[str]) -> Resolution:
    """Each name's header: the first of its headers the file has whole, else the only one
    it has under an object prefix. A column the mapping does not find is read under our
    own name when the file has it and no other column took that header."""
    whole = {header_key(h): h for h in found}
    stripped: dict[str, list[str]] = defaultdict(list)
    for header in found:
        key = without_object_prefix(header)
        if key:
            stripped[key].append(header)
    names = [c.name for c in columns] + list(mapping.inputs)
    headers: dict[str, str | None] = {}
    for name in names:
        headers[name] = next(
            (whole[header_key(h)] for h in mapping.headers_of(name) if header_key(h) in whole),
            None,
        )
    taken = {h for h in headers.values() if h}
    ambiguous: dict[str, list[str]] = {}
    for name in names:
        if headers[name]:
            continue
        for label in mapping.headers_of(name):
            hits = [h for h in stripped.get(header_key(label), []) if h not in taken]
            if len(hits) == 1:
                headers[name] = hits[0]
                taken.add(hits[0])
                break
            if hits:
                ambiguous[name] = hits
                break
    for column in columns:
        own = whole.get(header_key(column.name))
        if headers[column.name] is None and own and own not in taken:
            headers[column.name] = own
            taken.add(own)
    return Resolution(headers, ambiguous)


def derived_by_rules(mapping: CrmMapping) -> set[str]:
    """Our columns a rule sets or fills."""
    return {c for rule in mapping.rules for c in (*rule.set, *rule.fill)}


def closest_headers(
    wanted: Sequence[str], found: Sequence[str], n: int = 3, cutoff: float = 70
) -> list[str]:
    """The file's headers nearest to any of `wanted` (did you mean), best first."""
    from rapidfuzz import fuzz, process

    scores: dict[str, float] = {}
    keys = {h: header_key(h) for h in found}
    for label in wanted:
        for _, score, header in process.extract(
            header_key(label), keys, scorer=fuzz.WRatio, limit=n, score_cutoff=cutoff
        ):
            scores[header] = max(scores.get(header, 0), score)
    return [h for h, _ in sorted(scores.items(), key=lambda kv: -kv[1])[:n]]


def mapped_source(
    mapping: CrmMapping, columns: Sequence[Column], today: dt.date | None = None
) -> SourceFormat:
    resolution: dict[str, Resolution] = {}
    by_rules = derived_by_rules(mapping)

    def choose(as_written: dict[str, str]) -> tuple[list[str], list[str]]:
        """(the headers to read, those that must be there), or FileUnusable naming what
        is missing, or the kind of file this is when it is another of ours."""
        found = list(as_written)
        resolved = resolution["file"] = resolve(mapping, columns, found)
        missing = [
            c
            for c in columns
            if c.required
            and resolved.header(c.name) is None
            and c.name not in mapping.defaults
            and c.name not in by_rules
        ]
        if missing:
            other = other_kind(found, [c.name for c in columns])
            if other:
                raise FileUnusable(f"this is {other.what}: use `{other.command}`.")
            column = missing[0]
            looked = mapping.headers_of(column.name) or (column.name,)
            close = closest_headers(looked, list(as_written.values()))
            raise FileUnusable(
                f"no column for {column.name}: looked for "
                f"{', '.join(repr(h) for h in looked[:4])}"
                f"{' …' if len(looked) > 4 else ''}; the file's closest headers: "
                f"{', '.join(repr(h) for h in close) or '(none)'}. Add its header under "
                f"[columns] {column.name} in your mapping ({mapping.name})"
                + (f"; {len(missing) - 1} more column(s) missing too." if len(missing) > 1 else ".")
            )
        picked = [h for h in resolved.headers.values() if h]
        return list(dict.fromkeys(picked)), []

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        resolved = resolution.get("file") or resolve(mapping, columns, frame.columns)
        day = today or dt.date.today()
        ours: dict[str, pl.Expr] = {}
        for column in columns:
            ours[column.name] = _values(
                _column(frame, resolved.header(column.name)), mapping.values.get(column.name)
            )
            if column.kind in ("date", "timestamp") and mapping.date_formats:
                ours[column.name] = _iso_dates(ours[column.name], mapping.date_formats, column.kind)
        # The rules test the file's own text (before [values]) of inputs and our columns.
        tested = {k for rule in mapping.rules for k in rule.when}
        inputs = {
            name: _column(frame, resolved.header(name))
            for name in [*mapping.inputs, *(c.name for c in columns if c.name in tested)]
        }
        frame = frame.select(
            pl.col(ROW), *(e.alias(n) for n, e in ours.items()),
            *(e.alias(f"__input_{n}") for n, e in inputs.items()),
        )  # fmt: skip
        warnings: list[str] = []
        if mapping.rules:
            frame, warnings = _apply_rules(frame, mapping, columns, day)
        frame = frame.drop([c for c in frame.columns if c.startswith("__input_")])
        return frame.select(
            ROW,
            *(
                pl.col(c.name).fill_null(pl.lit(mapping.defaults[c.name]))
                if c.name in mapping.defaults
                else pl.col(c.name)
                for c in columns
            ),
        ), warnings

    def hint(column: str) -> str | None:
        if any(c.name == column and c.allowed for c in columns):
            return (
                f"add it under [values.{column}] in your mapping ({mapping.name}): "
                f'"their value" = "one of ours"'
            )
        if any(c.name == column and c.kind in ("date", "timestamp") for c in columns):
            return f'set date_format in your mapping ({mapping.name}), e.g. "%d/%m/%Y"'
        return None

    return SourceFormat(
        known=[],
        required=[],
        to_columns=to_columns,
        hint=hint,
        near=lambda column, value: near_value(value, mapping.values.get(column, {})),
        choose=choose,
    )


def near_value(value: str | None, table: dict[str, str]) -> str | None:
    """Their closest value the mapping already knows: 'No-show' -> "'no show' -> ghosted"."""
    if not value or not table:
        return None
    from rapidfuzz import fuzz, process

    hit = process.extractOne(value.strip().casefold(), list(table), scorer=fuzz.ratio)
    if hit is None or hit[1] < 75:
        return None
    return f"{hit[0]!r} (-> {table[hit[0]]})"


def _column(frame: pl.DataFrame, header: str | None) -> pl.Expr:
    if header is not None and header in frame.columns:
        return pl.col(header)
    return pl.lit(None, pl.String)


def _values(value: pl.Expr, table: dict[str, str] | None) -> pl.Expr:
    """Their value -> ours; "*" in the table is any other (filled) value."""
    if not table:
        return value
    known = {k: v for k, v in table.items() if k != "*"}
    key = value.str.strip_chars().str.to_lowercase()
    other = pl.lit(table["*"]) if "*" in table else value
    return key.replace_strict(known, default=other, return_dtype=pl.String)


def _iso_dates(value: pl.Expr, forms: Sequence[str], kind: str) -> pl.Expr:
    """Their dates as ISO text, by the first format that reads them; a value in none of
    them is left for the ingest to read (ISO) or refuse."""
    isos = []
    for form in forms:
        with_time = any(code in form for code in ("%H", "%I", "%M", "%S"))
        parsed = value.str.strip_chars().str.strptime(
            pl.Datetime if with_time else pl.Date, form, strict=False
        )
        written = "%Y-%m-%d" if kind == "date" or not with_time else "%Y-%m-%d %H:%M:%S"
        isos.append(parsed.dt.strftime(written))
    return pl.coalesce(*isos, value)


def _test(value: pl.Expr, condition: Condition, today: dt.date) -> pl.Expr:
    if condition.test == "empty":
        return value.is_null()
    if condition.test == "filled":
        return value.is_not_null()
    if condition.test in ("past", "future"):
        day = value.str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        # "future" is today or later: a meeting due today may not have been held yet.
        return day < pl.lit(today) if condition.test == "past" else day >= pl.lit(today)
    hit = value.str.strip_chars().str.to_lowercase().is_in(list(condition.values))
    return (value.is_null() | ~hit) if condition.negate else hit


def _apply_rules(
    frame: pl.DataFrame, mapping: CrmMapping, columns: Sequence[Column], today: dt.date
) -> tuple[pl.DataFrame, list[str]]:
    """A row any skip rule holds for is left out, counted by reason; then each rule that
    holds fires, in order, unless an earlier one already set a column it sets. Every test
    reads the file (their text; a date as the mapping reads it), never another rule."""
    ours = {c.name for c in columns}

    def value(key: str, condition: Condition) -> pl.Expr:
        # A date is tested as read (date_format applied); any other test, on their text.
        dated = condition.test in ("past", "future") and key in ours
        return pl.col(key) if dated else pl.col(f"__input_{key}")

    holds = {
        number: pl.all_horizontal(_test(value(k, c), c, today) for k, c in rule.when.items())
        .fill_null(False)
        .alias(f"__rule_{number}")
        for number, rule in enumerate(mapping.rules)
    }
    frame = frame.with_columns(holds.values())
    warnings = []
    skipping = [n for n, r in enumerate(mapping.rules) if r.skip]
    if skipping:
        # The first skip rule that holds names the reason.
        reason = pl.lit(None, pl.Int64)
        for number in reversed(skipping):
            reason = pl.when(pl.col(f"__rule_{number}")).then(pl.lit(number)).otherwise(reason)
        frame = frame.with_columns(reason.alias("__skip"))
        counts = dict(frame.group_by("__skip").len().drop_nulls("__skip").iter_rows())
        for number in skipping:
            if counts.get(number):
                warnings.append(
                    f"left out {counts[number]:,} row(s): {mapping.rules[number].skip} "
                    f"(rule {number + 1} of {mapping.name})"
                )
        frame = frame.filter(pl.col("__skip").is_null()).drop("__skip")
    # In order, a rule that holds fires unless an earlier one that fired already set one
    # of the columns it sets: a row takes one rule's whole decision, its fill included.
    targets = sorted({c for rule in mapping.rules for c in rule.set})
    frame = frame.with_columns(pl.lit(False).alias(f"__set_{c}") for c in targets)
    for number, rule in enumerate(mapping.rules):
        if rule.skip:
            continue
        fires = pl.col(f"__rule_{number}")
        if rule.set:
            fires = fires & ~pl.any_horizontal(pl.col(f"__set_{c}") for c in rule.set)
        frame = frame.with_columns(fires.alias("__fires"))
        fired = pl.col("__fires")
        updates = []
        for column, ours_value in rule.set.items():
            updates.append(pl.when(fired).then(pl.lit(ours_value)).otherwise(column).alias(column))
            updates.append((pl.col(f"__set_{column}") | fired).alias(f"__set_{column}"))
        for column, ours_value in rule.fill.items():
            fills = fired & pl.col(column).is_null()
            updates.append(pl.when(fills).then(pl.lit(ours_value)).otherwise(column).alias(column))
        frame = frame.with_columns(updates)
    helpers = [f"__rule_{n}" for n in holds] + [f"__set_{c}" for c in targets]
    helpers += [c for c in frame.columns if c.startswith("__input_") or c == "__fires"]
    return frame.drop(helpers), warnings
