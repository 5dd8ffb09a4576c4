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
    # Told even when the file has every column the command needs: headers no other
    # file of ours has (a Lane A key in a Lane B activity file would load it half).
    always: bool = False
    # What `loader week` does with it: (lane or "" when the file does not say, step), the
    # step one of meetings, partners, linkedin, partner_meetings, touches.
    week: tuple[str, str] = ("", "")
    tool: str | None = None  # the outreach tool (activity), or the CRM preset (meetings)


# The project's own files, the CRMs' screen exports and LinkedIn's; each outreach tool's
# activity and lead exports are added from its module.
OWN_KINDS = (
    FileKind("a Lane A activity file (touches)", "loader ingest lane-a touches FILE",
             frozenset({"channel"}), frozenset({"appointment_uid", "reactivation_bit_id"}),
             always=True, week=("lane_a", "touches"), tool="generic"),
    FileKind("a Lane B activity file (touches)", "loader ingest lane-b touches FILE",
             frozenset({"channel"}), frozenset({"fractional_cfo_id", "partner_bit_id"}),
             always=True, week=("lane_b", "touches"), tool="generic"),
    FileKind("a LinkedIn connections export", "loader ingest lane-b partners FILE --from linkedin",
             frozenset({"first_name", "last_name", "url", "company", "position"}), always=True,
             week=("lane_b", "linkedin")),
    FileKind("a Pipedrive activities export", "loader ingest lane-a FILE --from pipedrive",
             frozenset({"activity_due_date"}), week=("lane_a", "meetings"), tool="pipedrive"),
    FileKind("a HubSpot meetings export", "loader ingest lane-a FILE --from hubspot",
             frozenset({"record_id", "activity_date"}), week=("lane_a", "meetings"),
             tool="hubspot"),
    FileKind("a Salesforce activities report", "loader ingest lane-a FILE --from salesforce",
             frozenset({"subject", "company_/_account"}), week=("lane_a", "meetings"),
             tool="salesforce"),
    FileKind("a Lane A meetings file", "loader ingest lane-a FILE",
             frozenset({"meeting_date", "meeting_outcome"}), week=("lane_a", "meetings")),
    FileKind("a Lane B partners file", "loader ingest lane-b partners FILE",
             frozenset({"firm_name", "primary_contact_name"}), week=("lane_b", "partners")),
    FileKind("a Lane B partner meetings file", "loader ingest lane-b appointments FILE",
             frozenset({"meeting_date", "outcome"}),
             frozenset({"fractional_cfo_id", "partner_email"}),
             week=("lane_b", "partner_meetings")),
    FileKind("an outreach activity file (touches)",
             "loader ingest lane-a touches FILE (or lane-b touches)",
             frozenset({"channel", "touched_at"}), week=("", "touches"), tool="generic"),
)  # fmt: skip


def kinds() -> tuple[FileKind, ...]:
    """Our own kinds, then each tool's lead and activity exports (loader/outreach/tools/)."""
    from loader.outreach.tools import tools

    leads = tuple(
        FileKind(
            tool.named("lead export"),
            f"loader ingest lane-a|lane-b touches FILE --tool {tool.name}",
            tool.lead_export.recognised_by,
            always=True,
            week=("", "touches"),
            tool=tool.name,
        )
        for tool in tools().values()
        if tool.lead_export
    )
    return (
        OWN_KINDS
        + leads
        + tuple(
            FileKind(
                tool.named("activity export"),
                f"loader ingest lane-a|lane-b touches FILE --tool {tool.name}",
                tool.recognised_by,
                week=("", "touches"),
                tool=tool.name,
            )
            for tool in tools().values()
        )
    )


def other_kind(found: list[str], expected: list[str], only_always: bool = False) -> FileKind | None:
    """The kind the headers `found` are, when it is not the kind whose columns are
    `expected` (None: no known kind, or the expected one). `only_always`: of the kinds
    told even when nothing the command needs is missing."""
    have, ours = set(found), set(expected)
    for kind in kinds():
        if only_always and not kind.always:
            continue
        if not kind.headers <= have or (kind.also and not kind.also & have):
            continue
        if kind.headers <= ours and (not kind.also or kind.also & ours):
            return None  # the headers are the expected kind's, only incomplete
        return kind
    return None


def kind_of(found: list[str]) -> FileKind | None:
    """The first kind whose headers the file has, or None."""
    have = set(found)
    return next((k for k in kinds() if k.headers <= have and (not k.also or k.also & have)), None)
