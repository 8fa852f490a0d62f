"""The difference an HR file makes, as plain lines: what `coachbot import --dry-run` prints, and what
a real import prints after it has made the changes.

One line per person of the file (created, updated with each changed field as "old → new", or
unchanged), one per team created or given another lead, and a count; or, when the file has
problems, one line per problem and nothing else.
"""

from __future__ import annotations

from datetime import date

from bot.i18n import N_, Tr
from bot.org_import import NOBODY, ImportPlan, PersonPlan, ref_of

FIELDS: dict[str, str] = {
    "display_name": N_("name"),
    "email": N_("email"),
    "timezone": N_("time zone"),
    "locale": N_("language"),
    "country": N_("country"),
    "start_date": N_("start date"),
}
"""The profile fields an HR file sets, with the word the difference shows for each."""


def render_plan(plan: ImportPlan, t: Tr) -> list[str]:
    """The plan as plain lines: every problem, or what happens to each person and team."""
    if plan.problems:
        return [
            t._("Line {line}: {problem}", line=p.line, problem=p.message.render(t)) for p in plan.problems
        ]
    lines: list[str] = []
    for person in plan.people:
        changes = _changes(person, t)
        if person.person is None:
            lines.append(
                t._(
                    "Line {line}: create {who}: {changes}",
                    line=person.row.line,
                    who=person.label,
                    changes=changes,
                )
            )
        elif person.changed:
            lines.append(
                t._(
                    "Line {line}: update {who}: {changes}",
                    line=person.row.line,
                    who=person.label,
                    changes=changes,
                )
            )
        else:
            lines.append(t._("Line {line}: {who} is unchanged.", line=person.row.line, who=person.label))
    for team in plan.teams:
        if team.team is None:
            lines.append(t._("Create team {team}, led by {lead}.", team=team.name, lead=ref_of(team.lead)))
        elif team.lead is not None:
            lines.append(
                t._(
                    "Team {team}: lead {old} → {new}.",
                    team=team.name,
                    old=ref_of(team.old_lead),
                    new=ref_of(team.lead),
                )
            )
    created = sum(p.person is None for p in plan.people)
    updated = sum(p.person is not None and p.changed for p in plan.people)
    unchanged = len(plan.people) - created - updated
    if not plan.changed:
        lines.append(t._("Nothing to change: the organisation already matches the file."))
    else:
        lines.append(
            t._(
                "{created} to create, {updated} to update, {unchanged} unchanged.",
                created=created,
                updated=updated,
                unchanged=unchanged,
            )
        )
    return lines


def _changes(plan: PersonPlan, t: Tr) -> str:
    parts: list[str] = []
    for name, value in plan.profile.items():
        if name == "display_name" and plan.person is None:
            continue  # a new person's name is already in the line
        old = getattr(plan.person, name) if plan.person is not None else None
        parts.append(_arrow(t._(FIELDS[name]), _shown(old, t), _shown(value, t)))
    if plan.manager_changes:
        parts.append(_arrow(t._("manager"), ", ".join(plan.old_managers) or NOBODY, ref_of(plan.manager)))
    if plan.joins or plan.leaves:
        old = ", ".join(team.name for team in plan.leaves) or NOBODY
        parts.append(_arrow(t._("team"), old, plan.team.name if plan.team else NOBODY))
    return "; ".join(parts)


def _shown(value: object, t: Tr) -> str:
    if value is None or value == "":
        return NOBODY
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _arrow(label: str, old: str, new: str) -> str:
    return f"{label} {new}" if old == NOBODY else f"{label} {old} → {new}"
