"""A person's full name split into the first and last name a message uses.

"Anna de Vries" -> (Anna, de Vries); "Ludwig van der Rohe" -> (Ludwig, van der Rohe);
"Jean-Luc O'Neil" -> (Jean-Luc, O'Neil); "María José García Márquez" -> (María José,
García Márquez); "Dr. Dana Whitfield" -> (Dana, Whitfield). The particles (de, van der,
von, da, di, del, le, bin, ...) and titles are nameparser's (a maintained parser,
github.com/derek73/python-nameparser); what it cannot know - where a given name ends when
there is no particle - is decided here: three words are a first name and two surnames,
four are two and two (the Spanish and Portuguese convention), otherwise the first word is
the first name. Both parts keep the text as typed.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl


@lru_cache(maxsize=65_536)
def split_full_name(full: str | None) -> tuple[str | None, str | None]:
    """(first, last) of a full name; (None, None) when there is none."""
    text = " ".join((full or "").split())
    if not text:
        return None, None
    words = text.split(" ")
    if len(words) == 1:
        return words[0], None
    if len(words) == 2 and "," not in text and "." not in text:
        return words[0], words[1]  # the common case, without the parser's cost
    from nameparser import HumanName  # only for names of three words or more

    name = HumanName(text)
    given = [w for w in (name.first, name.middle) if w]
    last = " ".join(w for w in (name.last, name.suffix) if w)
    if not name.first or not last:
        return words[0], " ".join(words[1:])
    if name.last.split(" ")[0].lower() in _particles():
        return " ".join(given), last  # the particle says where the surname starts
    rest = " ".join([*given[1:], last]).split(" ")
    if len(rest) == 3:
        return f"{name.first} {rest[0]}", " ".join(rest[1:])
    return name.first, " ".join(rest)


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(p.lower() for p in CONSTANTS.prefixes)


def split_names(full_names: pl.Series) -> pl.DataFrame:
    """first_name and last_name of each full name (each distinct name parsed once)."""
    distinct = full_names.drop_nulls().unique()
    parts = [split_full_name(n) for n in distinct]
    lookup = pl.DataFrame(
        {
            "__full": distinct,
            "first_name": [p[0] for p in parts],
            "last_name": [p[1] for p in parts],
        },
        schema={"__full": pl.String, "first_name": pl.String, "last_name": pl.String},
    )
    return (
        full_names.rename("__full")
        .to_frame()
        .join(lookup, on="__full", how="left", maintain_order="left")
        .drop("__full")
    )
