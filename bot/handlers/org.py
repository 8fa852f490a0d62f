"""Teams, admins and workspace policy (threshold, quiet hours, working days)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot import people, planner
from bot.commands import ast as A
from bot.context import Context
from bot.domain import WEEKDAY_NAMES
from bot.messages import Para, Quote, Reply
from bot.privacy import MIN_THRESHOLD
from storage.models import Cadence, Person, Team, TeamMember


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def find_team(ctx: Context, name: str) -> Team | None:
    return ctx.session.scalar(
        select(Team).where(Team.workspace_id == ctx.workspace.id, func.lower(Team.name) == name.lower())
    )


def _resolve_all(ctx: Context, mentions: tuple[A.Mention, ...]) -> tuple[list[Person], list[str]]:
    found, missing = [], []
    for mention in mentions:
        person = people.resolve(ctx.session, ctx.workspace, mention)
        if person is None:
            missing.append(mention.label or mention.ref)
        else:
            found.append(person)
    return found, missing


def _unknown_people(missing: list[str]) -> list[Reply]:
    return _say(
        f"I don't know {', '.join(missing)} yet. They need to have used Coachbot (or been seen by it) "
        "first; nothing was changed."
    )


def team_create(ctx: Context, cmd: A.TeamCreate) -> list[Reply]:
    if find_team(ctx, cmd.team):
        return _say(f"A team called *{cmd.team}* already exists.")
    managers, missing = _resolve_all(ctx, (cmd.manager,))
    if missing:
        return _unknown_people(missing)
    ctx.session.add(Team(workspace_id=ctx.workspace.id, name=cmd.team, manager_id=managers[0].id))
    ctx.session.flush()
    return _say(
        f"Created team *{cmd.team}*, managed by {managers[0].display_name}. "
        f"Add people with `team add {cmd.team} @person …`."
    )


def _team_and_people(
    ctx: Context, name: str, mentions: tuple[A.Mention, ...]
) -> tuple[Team, list[Person]] | list[Reply]:
    """The named team and the mentioned people, or the reply explaining which one is missing."""
    team = find_team(ctx, name)
    if team is None:
        return _say(f"There is no team called *{name}*. See `team list`.")
    members, missing = _resolve_all(ctx, mentions)
    if missing:
        return _unknown_people(missing)
    return team, members


def team_add(ctx: Context, cmd: A.TeamAdd) -> list[Reply]:
    found = _team_and_people(ctx, cmd.team, cmd.members)
    if isinstance(found, list):
        return found
    team, members = found
    current = set(ctx.session.scalars(select(TeamMember.person_id).where(TeamMember.team_id == team.id)))
    added = [m for m in members if m.id not in current and m.id != team.manager_id]
    for member in added:
        ctx.session.add(TeamMember(team_id=team.id, person_id=member.id))
        current.add(member.id)
    ctx.session.flush()
    planner.refresh_slots(ctx.session, team=team, now=ctx.now)
    if not added:
        return _say(f"Everyone you named is already in *{team.name}*.")
    return _say(
        f"Added {', '.join(m.display_name for m in added)} to *{team.name}* "
        f"({len(current)} member{'s' if len(current) != 1 else ''})."
    )


def team_remove(ctx: Context, cmd: A.TeamRemove) -> list[Reply]:
    found = _team_and_people(ctx, cmd.team, cmd.members)
    if isinstance(found, list):
        return found
    team, members = found
    ids = [m.id for m in members]
    ctx.session.execute(
        delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.person_id.in_(ids))
    )
    ctx.session.flush()
    planner.refresh_slots(ctx.session, team=team, now=ctx.now)
    return _say(f"Removed {', '.join(m.display_name for m in members)} from *{team.name}*.")


def team_list(ctx: Context, _cmd: A.TeamList) -> list[Reply]:
    teams = ctx.session.scalars(
        select(Team).where(Team.workspace_id == ctx.workspace.id).order_by(Team.name)
    ).all()
    if not teams:
        return _say("No teams yet. An admin can create one with `team create <team> --manager @person`.")
    lines = ["*Teams*"]
    for team in teams:
        size = ctx.session.scalar(select(func.count()).where(TeamMember.team_id == team.id)) or 0
        lines.append(
            f"• *{team.name}* — {team.manager.display_name}, {size} member{'s' if size != 1 else ''}"
        )
    return _say(*lines)


def team_show(ctx: Context, cmd: A.TeamShow) -> list[Reply]:
    team = find_team(ctx, cmd.team)
    if team is None:
        return _say(f"There is no team called *{cmd.team}*. See `team list`.")
    members = ctx.session.scalars(
        select(Person)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(TeamMember.team_id == team.id)
        .order_by(Person.display_name)
    ).all()
    cadences = ctx.session.scalars(
        select(Cadence.name)
        .where(Cadence.team_id == team.id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ).all()
    lines = [
        f"*{team.name}*",
        f"Manager: {team.manager.display_name}",
        f"Members ({len(members)}): " + (", ".join(m.display_name for m in members) or "none yet"),
        "Cadences: " + (", ".join(cadences) or "none"),
    ]
    if team.binding:
        lines.append(f"Membership follows: {team.binding}")
    return _say(*lines)


def team_bind(ctx: Context, cmd: A.TeamBind) -> list[Reply]:
    team = find_team(ctx, cmd.team)
    if team is None:
        return _say(f"There is no team called *{cmd.team}*. See `team list`.")
    team.binding = cmd.source
    return [
        Reply(
            (
                Para(f"*{team.name}* will now follow the members of"),
                Quote(cmd.source),
                Para("Membership is refreshed from the platform every few minutes."),
            )
        )
    ]


def admin_add(ctx: Context, cmd: A.AdminAdd) -> list[Reply]:
    found, missing = _resolve_all(ctx, (cmd.person,))
    if missing:
        return _unknown_people(missing)
    found[0].granted_admin = True
    return _say(f"{found[0].display_name} is now a Coachbot admin.")


def admin_remove(ctx: Context, cmd: A.AdminRemove) -> list[Reply]:
    found, missing = _resolve_all(ctx, (cmd.person,))
    if missing:
        return _unknown_people(missing)
    person = found[0]
    others = ctx.session.scalar(
        select(func.count()).where(
            Person.workspace_id == ctx.workspace.id,
            Person.id != person.id,
            (Person.granted_admin.is_(True)) | (Person.platform_admin.is_(True)),
        )
    )
    if not others:
        return _say("That would leave nobody able to administer Coachbot, so I left it as it is.")
    person.granted_admin = False
    note = (
        " (they are still a workspace admin on the platform, which also counts)"
        if person.platform_admin
        else ""
    )
    return _say(f"{person.display_name} is no longer a Coachbot admin{note}.")


def threshold(ctx: Context, cmd: A.Threshold) -> list[Reply]:
    if cmd.k < MIN_THRESHOLD:
        return _say(
            f"The threshold cannot go below {MIN_THRESHOLD}: smaller groups are too easy to de-anonymise."
        )
    ctx.workspace.threshold = cmd.k
    return _say(f"Team results now need at least {cmd.k} answers before a manager sees anything.")


def quiet_hours(ctx: Context, cmd: A.QuietHours) -> list[Reply]:
    ws = ctx.workspace
    if cmd.start is None or cmd.end is None:
        ws.quiet_start = ws.quiet_end = None
        text = "Quiet hours are off."
    else:
        ws.quiet_start, ws.quiet_end = f"{cmd.start:%H:%M}", f"{cmd.end:%H:%M}"
        text = f"Nobody will be nudged between {ws.quiet_start} and {ws.quiet_end}, in their own time zone."
    _refresh_workspace(ctx)
    return _say(text)


def workdays(ctx: Context, cmd: A.Workdays) -> list[Reply]:
    ctx.workspace.workdays = ",".join(str(d) for d in sorted(cmd.days))
    _refresh_workspace(ctx)
    names = ", ".join(WEEKDAY_NAMES[d] for d in sorted(cmd.days))
    return _say(f"Working days are now {names}. Check-ins skip every other day.")


def _refresh_workspace(ctx: Context) -> None:
    ctx.session.flush()
    live = select(Cadence).where(Cadence.workspace_id == ctx.workspace.id, Cadence.removed_at.is_(None))
    for cadence in ctx.session.scalars(live).all():
        planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
