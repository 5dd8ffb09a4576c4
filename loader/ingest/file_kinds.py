"""Which kind of file a set of headers is, so a file given to the wrong command gets
one line naming the right one ("this is a Lane B partners file: use ...").

Each kind is told by headers only it has (as read: normalised). Plain data: the CLI and
the workbook reader share it without loading anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    what: str  # "a Lane B partners file"
    command: str  # the command that reads it
    headers: frozenset[str]  # all of these, as read
    also: frozenset[str] = frozenset()  # and at least one of these, when given


# The project's own files; each outreach tool's activity export is added from its module.
OWN_KINDS = (
    FileKind("a Lane A meetings file", "loader ingest lane-a FILE",
             frozenset({"meeting_date", "meeting_outcome"})),
    FileKind("a Lane B partners file", "loader ingest lane-b partners FILE",
             frozenset({"firm_name", "primary_contact_name"})),
    FileKind("a Lane B partner meetings file", "loader ingest lane-b appointments FILE",
             frozenset({"meeting_date", "outcome"}),
             frozenset({"fractional_cfo_id", "partner_email"})),
    FileKind("an outreach activity file (touches)",
             "loader ingest lane-a touches FILE (or lane-b touches)",
             frozenset({"channel", "touched_at"})),
)  # fmt: skip


def kinds() -> tuple[FileKind, ...]:
    """Our own kinds, then each tool's activity export (loader/outreach/tools/)."""
    from loader.outreach.tools import tools

    return OWN_KINDS + tuple(
        FileKind(
            f"{'an' if tool.label[0].lower() in 'aeiou' else 'a'} {tool.label} activity export",
            f"loader ingest lane-a touches FILE --tool {tool.name}",
            tool.recognised_by,
        )
        for tool in tools().values()
    )


def other_kind(found: list[str], expected: list[str]) -> FileKind | None:
    """The kind the headers `found` are, when it is not the kind whose columns are
    `expected` (None: no known kind, or the expected one)."""
    have, ours = set(found), set(expected)
    for kind in kinds():
        if not kind.headers <= have or (kind.also and not kind.also & have):
            continue
        if kind.headers <= ours and (not kind.also or kind.also & ours):
            return None  # the headers are the expected kind's, only incomplete
        return kind
    return None
