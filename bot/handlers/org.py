"""Teams, admins and workspace policy (threshold, quiet hours, working days).

Every reply says what actually happened: who was added and who already was, who was not in the
team, what was "already" so, and what a policy change means for cadences that exist.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot import people, planner, relationships
from bot.commands import ast as A
from bot.context import Context
from bot.effects import BindingChanged, PeopleAdded
from bot.i18n import Tr
from bot.messages import Para, Quote, Reply
from bot.welcome import welcome
from storage.models import Cadence, Person, Team, name_key


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def find_team(ctx: Context, name: str) -> Team | None:
    """The team called ``name`` in any case ("ärzte" finds "Ärzte"): compared by stored key, because
    SQL ``lower()`` folds only ASCII on SQLite."""
    return ctx.session.scalar(
        select(Team).where(Team.workspace_id == ctx.workspace.id, Team.name_key == name_key(name))
    )


def no_team(t: Tr, name: str) -> list[Reply]:
    return _say(t._("There is no team called *{team}*. See `team list`.", team=name))


def _resolve_all(ctx: Context, mentions: tuple[A.Mention, ...]) -> tuple[list[Person], list[str]]:
    found, missing = [], []
    for mention in mentions:
        person = people.resolve(ctx.session, ctx.workspace, mention)
        if person is None:
            missing.append(mention.label or mention.ref)
        elif person not in found:
            found.append(person)
    return found, missing


def _unknown_people(t: Tr, missing: list[str]) -> list[Reply]:
    return _say(
        t._(
            "I don't know {names} yet. They need to have used Coachbot (or been seen by it) first;"
            " nothing was changed.",
            names=t.list(missing),
        )
    )


def _names(t: Tr, found: list[Person]) -> str:
    return t.list(p.display_name for p in found)


def _size(ctx: Context, team: Team) -> int:
    return relationships.member_count(ctx.session, team)


def team_create(ctx: Context, cmd: A.TeamCreate) -> list[Reply]:
    t = ctx.t
    if find_team(ctx, cmd.team):
        return _say(t._("A team called *{team}* already exists.", team=cmd.team))
    managers, missing = _resolve_all(ctx, (cmd.manager,))
    if missing:
        return _unknown_people(t, missing)
    relationships.create_team(ctx.session, workspace_id=ctx.workspace.id, name=cmd.team, lead=managers[0])
    return _say(
        t._(
            "Created team *{team}*, managed by {manager}. Add people with `team add {team} @person …`.",
            team=cmd.team,
            manager=managers[0].display_name,
        )
    )


def _team_and_people(
    ctx: Context, name: str, mentions: tuple[A.Mention, ...]
) -> tuple[Team, list[Person]] | list[Reply]:
    """The named team and the mentioned people, or the reply explaining which one is missing."""
    team = find_team(ctx, name)
    if team is None:
        return no_team(ctx.t, name)
    members, missing = _resolve_all(ctx, mentions)
    if missing:
        return _unknown_people(ctx.t, missing)
    return team, members


def _manager_note(t: Tr, team: Team, named: list[Person], leads: set[int]) -> list[str]:
    return [
        t._(
            "{name} manages *{team}*, so they are not one of its members (they get the manager's"
            " check-ins instead).",
            name=p.display_name,
            team=team.name,
        )
        for p in named
        if p.id in leads
    ]


def _lead_ids(ctx: Context, team: Team) -> set[int]:
    return {p.id for p in relationships.leads_of(ctx.session, team)}


def _member_ids(ctx: Context, team: Team) -> set[int]:
    return set(ctx.session.scalars(relationships.member_ids(team.id)))


def team_add(ctx: Context, cmd: A.TeamAdd) -> list[Reply]:
    found = _team_and_people(ctx, cmd.team, cmd.members)
    if isinstance(found, list):
        return found
    team, named = found
    t = ctx.t
    current, leads = _member_ids(ctx, team), _lead_ids(ctx, team)
    added = [p for p in named if p.id not in current and p.id not in leads]
    already = [p for p in named if p.id in current]
    relationships.add_members(ctx.session, team, (p.id for p in added))
    if added:
        who = tuple(p.platform_id for p in added)
        ctx.report(PeopleAdded(workspace=ctx.workspace.external_id, team=team.name, people=who))
    planner.refresh_slots(ctx.session, team=team, now=ctx.now)
    lines: list[str] = []
    welcomed = sum(welcome(ctx.session, team=team, person=p, now=ctx.now) for p in added)
    if added:
        lines.append(
            t.n_(
                "Added {names} to *{team}*; it now has {count} member.",
                "Added {names} to *{team}*; it now has {count} members.",
                _size(ctx, team),
                names=_names(t, added),
                team=team.name,
            )
        )
    if welcomed:
        lines.append(
            t.n_(
                "They get a short welcome message saying what will happen and who sees what.",
                "Each gets a short welcome message saying what will happen and who sees what.",
                welcomed,
            )
        )
    if already:
        lines.append(
            t.n_(
                "{names} is already in *{team}*.",
                "{names} are already in *{team}*.",
                len(already),
                names=_names(t, already),
                team=team.name,
            )
        )
    lines += _manager_note(t, team, named, leads)
    return _say(*lines)


def team_remove(ctx: Context, cmd: A.TeamRemove) -> list[Reply]:
    found = _team_and_people(ctx, cmd.team, cmd.members)
    if isinstance(found, list):
        return found
    team, named = found
    t = ctx.t
    current, leads = _member_ids(ctx, team), _lead_ids(ctx, team)
    removed = [p for p in named if p.id in current]
    absent = [p for p in named if p.id not in current and p.id not in leads]
    if removed:
        relationships.remove_members(ctx.session, team, (p.id for p in removed))
        planner.refresh_slots(ctx.session, team=team, now=ctx.now)
    lines: list[str] = []
    if removed:
        lines.append(
            t.n_(
                "Removed {names} from *{team}*; it now has {count} member.",
                "Removed {names} from *{team}*; it now has {count} members.",
                _size(ctx, team),
                names=_names(t, removed),
                team=team.name,
            )
        )
    if absent:
        lines.append(
            t.n_(
                "{names} is not in *{team}*, so there was nothing to remove.",
                "{names} are not in *{team}*, so there was nothing to remove.",
                len(absent),
                names=_names(t, absent),
                team=team.name,
            )
        )
    lines += _manager_note(t, team, named, leads)
    return _say(*lines)


def team_list(ctx: Context, _cmd: A.TeamList) -> list[Reply]:
    t = ctx.t
    teams = ctx.session.scalars(
        select(Team).where(Team.workspace_id == ctx.workspace.id).order_by(Team.name)
    ).all()
    if not teams:
        return _say(t._("No teams yet. An admin can create one with `team create <team> --manager @person`."))
    lines = ["*" + t._("Teams") + "*"]
    for team in teams:
        lines.append(
            "• "
            + t.n_(
                "*{team}* — {manager}, {count} member",
                "*{team}* — {manager}, {count} members",
                _size(ctx, team),
                team=team.name,
                manager=_lead_names(ctx, team),
            )
        )
    return _say(*lines)


def team_show(ctx: Context, cmd: A.TeamShow) -> list[Reply]:
    t = ctx.t
    team = find_team(ctx, cmd.team)
    if team is None:
        return no_team(t, cmd.team)
    members = sorted(relationships.members_of(ctx.session, team), key=lambda p: p.display_name)
    cadences = ctx.session.scalars(
        select(Cadence.name)
        .where(Cadence.team_id == team.id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ).all()
    lines = [f"*{team.name}*", t._("Manager: {name}", name=_lead_names(ctx, team))]
    if members:
        lines.append(
            t.n_(
                "{count} member: {names}",
                "{count} members: {names}",
                len(members),
                names=t.list(m.display_name for m in members),
            )
        )
    else:
        lines.append(t._("No members yet."))
    lines.append(t._("Cadences: {names}", names=t.list(cadences)) if cadences else t._("No cadences yet."))
    if team.binding:
        lines.append(t._("Membership follows: {source}", source=team.binding))
    return _say(*lines)


def _lead_names(ctx: Context, team: Team) -> str:
    return ctx.t.list(p.display_name for p in relationships.leads_of(ctx.session, team))


HERE = ("here", "this")
"""`team bind <team> here`: the roster of the conversation the command was typed in, if it has one."""


def team_bind(ctx: Context, cmd: A.TeamBind) -> list[Reply]:
    t = ctx.t
    team = find_team(ctx, cmd.team)
    if team is None:
        return no_team(t, cmd.team)
    source = ctx.here if ctx.here and cmd.source.lower() in HERE else cmd.source
    team.binding = source
    ctx.report(BindingChanged(workspace=ctx.workspace.external_id, team=team.name, binding=source))
    return [
        Reply(
            (
                Para(t._("*{team}* will now follow the members of", team=team.name)),
                Quote(source),
                Para(t._("Membership is refreshed from the platform every few minutes.")),
            )
        )
    ]


def admin_add(ctx: Context, cmd: A.AdminAdd) -> list[Reply]:
    t = ctx.t
    found, missing = _resolve_all(ctx, (cmd.person,))
    if missing:
        return _unknown_people(t, missing)
    person = found[0]
    if person.granted_admin:
        return _say(t._("{name} is already a Coachbot admin.", name=person.display_name))
    person.granted_admin = True
    return _say(t._("{name} is now a Coachbot admin.", name=person.display_name))


def admin_remove(ctx: Context, cmd: A.AdminRemove) -> list[Reply]:
    t = ctx.t
    found, missing = _resolve_all(ctx, (cmd.person,))
    if missing:
        return _unknown_people(t, missing)
    person = found[0]
    if not person.is_admin:
        return _say(
            t._("{name} is not a Coachbot admin, so there was nothing to remove.", name=person.display_name)
        )
    others = ctx.session.scalar(
        select(func.count()).where(
            Person.workspace_id == ctx.workspace.id,
            Person.id != person.id,
            (Person.granted_admin.is_(True)) | (Person.platform_admin.is_(True)),
        )
    )
    if not others:
        return _say(t._("That would leave nobody able to administer Coachbot, so I left it as it is."))
    if not person.granted_admin:
        return _say(
            t._(
                "{name} is an admin because they are a workspace admin on the platform; only the platform"
                " can change that.",
                name=person.display_name,
            )
        )
    person.granted_admin = False
    if person.platform_admin:
        return _say(
            t._(
                "{name} is no longer a Coachbot admin by grant, but is still a workspace admin on the"
                " platform, which also counts.",
                name=person.display_name,
            )
        )
    return _say(t._("{name} is no longer a Coachbot admin.", name=person.display_name))
