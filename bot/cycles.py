"""The business cycle in force for a team: its own override, else the workspace's (`cycle set`).

The one place that reads and writes ``business_cycles`` (:mod:`storage.cycles`); the phase maths is
in :mod:`bot.business_cycle`. Phases are worked out on the workspace's working days, so a sprint's
"last two days" are its last two working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.business_cycle import CycleRule, Explicit, Quarterly, Sprints, phase_on
from bot.domain import Phase
from bot.working_hours import workdays_of
from storage.cycles import BusinessCycle
from storage.models import Cadence, Team, Workspace


@dataclass(frozen=True)
class CycleInForce:
    rule: CycleRule
    team: Team | None
    """The team whose override this is; None when it is the workspace's cycle."""


def rule_of(row: BusinessCycle) -> CycleRule:
    if row.kind == "quarterly":
        assert row.plan_days is not None and row.review_days is not None
        return Quarterly(plan_days=row.plan_days, review_days=row.review_days)
    if row.kind == "sprints":
        assert row.sprint_days is not None and row.starts_on is not None
        return Sprints(length_days=row.sprint_days, start=row.starts_on)
    assert row.starts_on and row.execute_on and row.review_on and row.ends_on
    return Explicit(plan=row.starts_on, execute=row.execute_on, review=row.review_on, end=row.ends_on)


def _store(row: BusinessCycle, rule: CycleRule) -> None:
    row.plan_days = row.review_days = row.sprint_days = None
    row.starts_on = row.execute_on = row.review_on = row.ends_on = None
    if isinstance(rule, Quarterly):
        row.kind, row.plan_days, row.review_days = "quarterly", rule.plan_days, rule.review_days
    elif isinstance(rule, Sprints):
        row.kind, row.sprint_days, row.starts_on = "sprints", rule.length_days, rule.start
    else:
        row.kind = "explicit"
        row.starts_on, row.execute_on, row.review_on, row.ends_on = (
            rule.plan,
            rule.execute,
            rule.review,
            rule.end,
        )


def _row(session: Session, *, workspace_id: int, team_id: int | None) -> BusinessCycle | None:
    team_is = BusinessCycle.team_id.is_(None) if team_id is None else BusinessCycle.team_id == team_id
    return session.scalar(select(BusinessCycle).where(BusinessCycle.workspace_id == workspace_id, team_is))


def own_rule(session: Session, *, workspace: Workspace, team: Team | None) -> CycleRule | None:
    """The rule set for exactly this scope (the workspace, or one team's override), if any."""
    row = _row(session, workspace_id=workspace.id, team_id=None if team is None else team.id)
    return None if row is None else rule_of(row)


def set_rule(
    session: Session, *, workspace: Workspace, team: Team | None, rule: CycleRule, now: datetime
) -> bool:
    """Set the workspace's cycle (``team`` None) or a team's override; False if it was already so."""
    row = _row(session, workspace_id=workspace.id, team_id=None if team is None else team.id)
    if row is not None and rule_of(row) == rule:
        return False
    if row is None:
        row = BusinessCycle(workspace_id=workspace.id, team_id=None if team is None else team.id)
        session.add(row)
    _store(row, rule)
    row.updated_at = now
    session.flush()
    return True


def clear_rule(session: Session, *, workspace: Workspace, team: Team | None) -> bool:
    """Remove the workspace's cycle or a team's override; False if there was none."""
    row = _row(session, workspace_id=workspace.id, team_id=None if team is None else team.id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def in_force(session: Session, team: Team) -> CycleInForce | None:
    """The team's override if it has one, else the workspace's cycle, else None."""
    own = _row(session, workspace_id=team.workspace_id, team_id=team.id)
    if own is not None:
        return CycleInForce(rule_of(own), team)
    shared = _row(session, workspace_id=team.workspace_id, team_id=None)
    return None if shared is None else CycleInForce(rule_of(shared), None)


def workspace_rule(session: Session, workspace: Workspace) -> CycleRule | None:
    return own_rule(session, workspace=workspace, team=None)


def teams_with_own_cycle(session: Session, workspace: Workspace) -> list[Team]:
    return list(
        session.scalars(
            select(Team)
            .join(BusinessCycle, BusinessCycle.team_id == Team.id)
            .where(BusinessCycle.workspace_id == workspace.id)
            .order_by(Team.name_key)
        )
    )


def phase_of_run(session: Session, cadence: Cadence, occurrence_date: date) -> Phase | None:
    """The phase in force for a cadence's team on the date a run occurs (None: no cycle applies)."""
    cycle = in_force(session, cadence.team)
    if cycle is None:
        return None
    workspace = session.get_one(Workspace, cadence.workspace_id)
    return phase_on(cycle.rule, occurrence_date, workdays=workdays_of(workspace))
