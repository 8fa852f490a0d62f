"""Which questions a cadence run asks: rotating through a prompt set without repeats.

Every recipient of one run (cadence × local date × role) gets the same questions,
so that their answers can be aggregated; the rotation is kept per cadence and role.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from bot.domain import PromptAudience
from bot.prompts import DEFAULT_SETS, PromptLibrary, choose_next
from bot.visibility import run_threshold, workspace_threshold
from storage.models import Cadence, CadenceRun, PromptRotation, Workspace


def prompt_set_for(cadence: Cadence, role: PromptAudience) -> str:
    return cadence.prompt_set or DEFAULT_SETS[PromptAudience(role)]


def _choose_prompts(
    session: Session, library: PromptLibrary, cadence: Cadence, role: PromptAudience
) -> list[str]:
    """The next questions for this cadence and role, rotating without repeats until the set is used up."""
    candidates = library.set(prompt_set_for(cadence, role)).for_audience(PromptAudience(role))
    rotation = session.get(PromptRotation, (cadence.id, role))
    if rotation is None:
        rotation = PromptRotation(cadence_id=cadence.id, role=role, used=[])
        session.add(rotation)
    used = set(rotation.used)
    chosen = choose_next(candidates, used, cadence.questions)
    ids = [p.id for p in chosen]
    fresh = [i for i in ids if i not in used]
    # When the set wrapped around, the rotation starts over with what was just taken.
    rotation.used = [*rotation.used, *ids] if len(fresh) == len(ids) else fresh_after_wrap(ids, used)
    return ids


def fresh_after_wrap(ids: list[str], used: set[str]) -> list[str]:
    """After a wrap, only prompts taken from the new round count as used."""
    first_repeat = next((n for n, i in enumerate(ids) if i in used), len(ids))
    return ids[first_repeat:]


def run_for(
    session: Session, library: PromptLibrary, cadence: Cadence, occurrence_date: date, role: PromptAudience
) -> CadenceRun:
    """The run of this occurrence, created with the workspace's K of this moment as its promise.

    Replicas opening check-ins of one run at the same moment must agree on one run row without a
    unique violation rolling back either round. On PostgreSQL the creator first locks the cadence's
    prompt rotation for this role (inserting it if missing, ``ON CONFLICT DO NOTHING``), then looks
    again: a replica that lost the race waits for the winner's commit and then finds its run. Every
    creator takes the rotation lock before inserting a run, so the insert itself cannot collide.
    """
    run = _existing(session, cadence, occurrence_date, role)
    if run is None and _is_postgres(session):
        _lock_rotation(session, cadence, role)
        run = _existing(session, cadence, occurrence_date, role)
    # K is fixed when a run's first nudge goes out; a later, stricter K raises it (never lowers it).
    workspace = session.get_one(Workspace, cadence.workspace_id)
    if run is None:
        run = CadenceRun(
            cadence_id=cadence.id,
            occurrence_date=occurrence_date,
            role=role,
            prompt_ids=_choose_prompts(session, library, cadence, role),
            threshold=workspace_threshold(workspace),
        )
        session.add(run)
        session.flush()
    else:
        run.threshold = run_threshold(run, workspace)
    return run


def _existing(
    session: Session, cadence: Cadence, occurrence_date: date, role: PromptAudience
) -> CadenceRun | None:
    return session.scalar(
        select(CadenceRun).where(
            CadenceRun.cadence_id == cadence.id,
            CadenceRun.occurrence_date == occurrence_date,
            CadenceRun.role == role,
        )
    )


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _lock_rotation(session: Session, cadence: Cadence, role: PromptAudience) -> None:
    """Hold the (cadence, role) rotation row until commit: the one lock every run creator takes."""
    session.execute(
        pg_insert(PromptRotation)
        .values(cadence_id=cadence.id, role=role, used=[])
        .on_conflict_do_nothing(index_elements=["cadence_id", "role"])
    )
    session.scalar(
        select(PromptRotation)
        .where(PromptRotation.cadence_id == cadence.id, PromptRotation.role == role)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
