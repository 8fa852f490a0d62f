"""Importing the organisation from an HR file: people, reporting lines and teams, all or nothing.

:func:`plan_import` matches the rows :mod:`bot.hr_file` read with what is stored (people by
platform id, else by email, else through the platform's directory) and works out every change, or
every problem; :mod:`bot.org_diff` writes that difference as plain lines (what `--dry-run` prints);
:func:`apply_plan` makes it. A plan with problems is never applied, and applying a file a second
time finds nothing to change.

A team's lead is the manager its members name (someone named as manager by the team's own rows is
its lead, not a member); members of one team naming different managers is a problem, since a team
has one lead. A person listed with a team belongs to that team and to no other team that is not
bound to a platform roster. People and teams the file does not mention are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import planner, relationships
from bot.commands.errors import Msg
from bot.domain import GroupKind
from bot.hr_file import Problem, Row
from bot.i18n import N_
from bot.welcome import welcome
from storage.models import Person, Team, Workspace, name_key

EmailLookup = Callable[[str], str | None]
"""The platform's directory: an email to a platform id, or None if it knows no such user."""

NOBODY = "—"


@dataclass
class PersonPlan:
    """One row of the file: who it is and what changes for them."""

    row: Row
    platform_id: str
    person: Person | None  # None: created by the import
    profile: dict[str, object] = field(default_factory=dict)  # field → new value, changed ones only
    manager: PersonPlan | Person | None = None
    manager_changes: bool = False
    old_managers: list[str] = field(default_factory=list)
    team: TeamPlan | None = None
    leaves: list[Team] = field(default_factory=list)  # teams they stop being a member of
    joins: bool = False  # becomes a member of ``team``

    @property
    def label(self) -> str:
        name = self.row.name or (self.person.display_name if self.person else "")
        return f"{self.platform_id} ({name})" if name and name != self.platform_id else self.platform_id

    @property
    def changed(self) -> bool:
        return (
            self.person is None
            or bool(self.profile)
            or self.manager_changes
            or self.joins
            or bool(self.leaves)
        )


@dataclass
class TeamPlan:
    name: str
    team: Team | None  # None: created by the import
    lead: PersonPlan | Person | None  # None: keeps its lead
    old_lead: Person | None = None

    @property
    def changed(self) -> bool:
        return self.team is None or self.lead is not None


@dataclass
class ImportPlan:
    people: list[PersonPlan]
    teams: list[TeamPlan]
    problems: list[Problem]

    @property
    def changed(self) -> bool:
        return any(p.changed for p in self.people) or any(t.changed for t in self.teams)


def ref_of(target: PersonPlan | Person | None) -> str:
    if target is None:
        return NOBODY
    return target.platform_id


def plan_import(
    session: Session, workspace: Workspace, rows: list[Row], *, lookup: EmailLookup | None = None
) -> ImportPlan:
    """Every change the rows make to the workspace, or the problems that stop them all."""
    problems: list[Problem] = []
    known = list(session.scalars(select(Person).where(Person.workspace_id == workspace.id)))
    by_id = {p.platform_id.lower(): p for p in known}
    by_email = {p.email: p for p in known if p.email}

    def bad(line: int, msgid: str, /, **values: object) -> None:
        problems.append(Problem(line, Msg(msgid, values)))

    people: list[PersonPlan] = []
    for row in rows:
        person = by_id.get(row.platform_id.lower()) if row.platform_id else None
        platform_id = row.platform_id
        if row.email and (owner := by_email.get(row.email)) is not None:
            if platform_id is not None and owner.platform_id.lower() != platform_id.lower():
                bad(
                    row.line,
                    N_("The email {email} belongs to {other}."),
                    email=row.email,
                    other=owner.platform_id,
                )
                continue
            person, platform_id = owner, owner.platform_id
        if platform_id is None and row.email and lookup is not None:
            platform_id = lookup(row.email)
            person = by_id.get(platform_id.lower()) if platform_id else None
        if platform_id is None:
            bad(
                row.line,
                N_("Nobody with the email {email} is known here; add their platform id."),
                email=row.email,
            )
            continue
        people.append(PersonPlan(row, platform_id, person, _profile_changes(row, person)))

    in_file: dict[str, PersonPlan] = {}
    for plan in people:
        stored_email = plan.person.email if plan.person is not None else None
        for key in (plan.platform_id.lower(), plan.row.email, stored_email):
            if key:
                in_file[key] = plan
    for plan in people:
        _plan_manager(session, plan, in_file, by_id, by_email, lookup, bad)
    _check_loops(session, people, bad)
    teams = _plan_teams(session, workspace, people, bad)
    return ImportPlan(people, teams, sorted(problems, key=lambda p: p.line))


def _profile_changes(row: Row, person: Person | None) -> dict[str, object]:
    wanted: dict[str, object] = {
        "display_name": row.name,
        "email": row.email,
        "timezone": row.time_zone,
        "locale": row.locale,
        "country": row.country,
        "start_date": row.start_date,
    }
    return {
        name: value
        for name, value in wanted.items()
        if value is not None and (person is None or getattr(person, name) != value)
    }


def _plan_manager(
    session: Session,
    plan: PersonPlan,
    in_file: dict[str, PersonPlan],
    by_id: dict[str, Person],
    by_email: dict[str, Person],
    lookup: EmailLookup | None,
    bad: Callable[..., None],
) -> None:
    ref = plan.row.manager
    if ref is None:
        return  # no manager column: reporting lines stay as they are
    target: PersonPlan | Person | None = None
    if ref:
        target = in_file.get(ref) or by_id.get(ref) or by_email.get(ref)
        if target is None and "@" in ref and lookup is not None and (found := lookup(ref)):
            target = in_file.get(found.lower()) or by_id.get(found.lower())
        if target is None:
            bad(
                plan.row.line, N_("The manager {manager} is neither in the file nor known here."), manager=ref
            )
            return
        if target is plan or target is plan.person:
            bad(plan.row.line, N_("Nobody can be their own manager."))
            return
    plan.manager = target
    current = relationships.managers_of(session, plan.person) if plan.person else []
    plan.old_managers = [p.platform_id for p in current]
    wanted = target.person if isinstance(target, PersonPlan) else target
    if wanted is None:  # a manager created by this import, or nobody
        plan.manager_changes = target is not None or bool(current)
    else:
        plan.manager_changes = [p.id for p in current] != [wanted.id]


def _check_loops(session: Session, people: list[PersonPlan], bad: Callable[..., None]) -> None:
    """Reporting lines must not go round in a circle (A reports to B, B to A) once the file is in."""
    in_file = {p.person.id: p for p in people if p.person is not None}

    def managers(node: PersonPlan | Person) -> list[PersonPlan | Person]:
        if isinstance(node, Person):
            if node.id not in in_file:
                return list(relationships.managers_of(session, node))
            node = in_file[node.id]
        if node.row.manager is not None:  # the file says
            return [node.manager] if node.manager is not None else []
        return list(relationships.managers_of(session, node.person)) if node.person else []

    def same(a: PersonPlan | Person, b: PersonPlan | Person) -> bool:
        return a is b or (isinstance(b, Person) and a is in_file.get(b.id))

    for plan in people:
        path: list[PersonPlan | Person] = []
        stack = [(m, [m]) for m in managers(plan)]
        seen: set[int] = set()
        while stack:
            node, path = stack.pop()
            if same(plan, node):
                names = " → ".join(ref_of(n) for n in [plan, *path])
                bad(plan.row.line, N_("These reporting lines go round in a circle: {names}."), names=names)
                break
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack += [(m, [*path, m]) for m in managers(node)]


def _plan_teams(
    session: Session, workspace: Workspace, people: list[PersonPlan], bad: Callable[..., None]
) -> list[TeamPlan]:
    groups: dict[str, list[PersonPlan]] = {}
    for plan in people:
        if plan.row.team:
            groups.setdefault(name_key(plan.row.team), []).append(plan)
    teams: list[TeamPlan] = []
    for key, rows in groups.items():
        team = session.scalar(select(Team).where(Team.workspace_id == workspace.id, Team.name_key == key))
        first = rows[0].row
        if team is not None and (team.kind != GroupKind.TEAM or team.binding):
            bad(
                first.line,
                N_("The team {team} follows a platform roster; its members come from there."),
                team=team.name,
            )
            continue
        named = [p.manager for p in rows if p.manager is not None]
        leads = [p for p in rows if any(p is m or (p.person is not None and p.person is m) for m in named)]
        members = [p for p in rows if p not in leads]
        bosses: dict[str, tuple[PersonPlan | Person, int]] = {}
        for plan in members:
            if plan.manager is not None:
                bosses.setdefault(ref_of(plan.manager), (plan.manager, plan.row.line))
        if len(bosses) > 1:
            (a, (_, line_a)), (b, (_, line_b)) = list(bosses.items())[:2]
            bad(
                max(line_a, line_b),
                N_(
                    "The team {team} would have two leads, {first} (line {line}) and {second}: its members"
                    " name different managers."
                ),
                team=first.team,
                first=a,
                line=min(line_a, line_b),
                second=b,
            )
            continue
        lead = next(iter(bosses.values()))[0] if bosses else None
        old_lead = relationships.leads_of(session, team) if team is not None else []
        if lead is None and team is None:
            bad(
                first.line,
                N_("The team {team} is new, and none of its members names a manager to lead it."),
                team=first.team,
            )
            continue
        lead_person = lead.person if isinstance(lead, PersonPlan) else lead
        if team is not None and lead_person is not None and [p.id for p in old_lead] == [lead_person.id]:
            lead = None  # already its one lead
        plan_team = TeamPlan(first.team or key, team, lead, old_lead[0] if old_lead else None)
        teams.append(plan_team)
        for plan in rows:
            plan.team = plan_team
            _plan_membership(session, plan, plan_team, is_lead=plan in leads)
    return teams


def _plan_membership(session: Session, plan: PersonPlan, team: TeamPlan, *, is_lead: bool) -> None:
    if plan.person is None:
        plan.joins = not is_lead
        return
    current = relationships.teams_of(session, plan.person)
    plan.leaves = [t for t in current if not t.binding and (team.team is None or t.id != team.team.id)]
    if not is_lead:
        plan.joins = team.team is None or all(t.id != team.team.id for t in current)


def apply_plan(session: Session, workspace: Workspace, plan: ImportPlan, *, now: datetime) -> None:
    """Make every change of a plan without problems, in the caller's transaction."""
    if plan.problems:
        raise ValueError("a plan with problems is never applied")
    moved: list[Person] = []
    for item in plan.people:
        if item.person is None:
            item.person = Person(
                workspace=workspace, workspace_id=workspace.id, platform_id=item.platform_id, created_at=now
            )
            item.person.display_name = item.row.name or item.platform_id
            session.add(item.person)
        for name, value in item.profile.items():
            setattr(item.person, name, value)
        if {"timezone", "country"} & set(item.profile):
            moved.append(item.person)
    session.flush()
    for item in plan.people:
        if item.manager_changes and item.person is not None:
            target = item.manager.person if isinstance(item.manager, PersonPlan) else item.manager
            relationships.set_manager(session, person=item.person, manager=target)
    touched: dict[int, Team] = {}
    for team_plan in plan.teams:
        lead = team_plan.lead.person if isinstance(team_plan.lead, PersonPlan) else team_plan.lead
        if team_plan.team is None:
            assert lead is not None
            team_plan.team = relationships.create_team(
                session, workspace_id=workspace.id, name=team_plan.name, lead=lead
            )
        elif lead is not None:
            relationships.replace_lead(session, team_plan.team, lead)
        touched[team_plan.team.id] = team_plan.team
    joined: list[tuple[Team, Person]] = []
    for item in plan.people:
        assert item.person is not None
        for team in item.leaves:
            relationships.remove_members(session, team, [item.person.id])
            touched[team.id] = team
        if item.joins and item.team is not None and item.team.team is not None:
            relationships.add_members(session, item.team.team, [item.person.id])
            joined.append((item.team.team, item.person))
    for team in touched.values():
        planner.refresh_slots(session, team=team, now=now)
    for person in moved:
        planner.refresh_slots(session, person=person, now=now)
    for team, person in joined:
        welcome(session, team=team, person=person, now=now)


def workspaces_of(session: Session, platform: str) -> list[str]:
    """The workspaces stored for a platform, to pick the one an import is for."""
    return list(
        session.scalars(
            select(Workspace.external_id).where(Workspace.platform == platform).order_by(Workspace.id)
        )
    )
