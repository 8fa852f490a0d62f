"""Which questions a cadence run asks: rotating through a prompt set without repeats.

Every recipient of one run (cadence × local date × role) gets the same questions,
so that their answers can be aggregated. Choosing is two small steps: :func:`candidates` (what the
run may ask, best first: prompts that suit the cadence's length, tagged with the business-cycle
phase in force on the run's date first, untagged next) and :func:`take` (rotation without repeats
over those candidates). The rotation is kept per cadence, role and phase, so plan weeks rotate
through plan prompts whatever review weeks asked.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from bot import cycles
from bot.commands import parse_recurrence
from bot.domain import CadenceLength, Phase, PromptAudience
from bot.prompts import DEFAULT_SETS, Prompt, PromptLibrary, PromptSet, choose_next
from bot.visibility import run_threshold, workspace_threshold
from storage.models import OUTSIDE_CYCLE, Cadence, CadenceRun, PromptRotation, Workspace


def prompt_set_for(cadence: Cadence, role: PromptAudience) -> str:
    return cadence.prompt_set or DEFAULT_SETS[PromptAudience(role)]


def cadence_length(cadence: Cadence) -> CadenceLength:
    return parse_recurrence(cadence.recurrence).length()


def candidates(
    prompt_set: PromptSet,
    *,
    audience: PromptAudience,
    phase: Phase | None,
    length: CadenceLength,
    count: int,
) -> list[Prompt]:
    """The prompts a run may ask, best first.

    Only prompts that suit the cadence's length. With a phase in force: those tagged with it, then
    untagged ones; should that give fewer than ``count`` (one check-in's worth), other phases' prompts
    fill the gap, so a check-in never shrinks. Without a phase: every suiting prompt, in file order.
    A set with nothing for this length gives its prompts for the audience rather than an empty run.
    """
    written_for = prompt_set.for_audience(audience)
    suiting = [p for p in written_for if length in p.suits] or list(written_for)
    if phase is None:
        return suiting
    pool = [p for p in suiting if p.phase is phase] + [p for p in suiting if p.phase is None]
    if len(pool) < count:
        pool += [p for p in suiting if p not in pool][: count - len(pool)]
    return pool


def take(rotation: PromptRotation, pool: list[Prompt], count: int) -> list[str]:
    """The next ``count`` prompt ids from ``pool`` that this rotation has not used, recorded as used;
    once the pool is used up the rotation starts over."""
    used = set(rotation.used)
    ids = [p.id for p in choose_next(pool, used, count)]
    fresh = [i for i in ids if i not in used]
    # When the pool wrapped around, the rotation starts over with what was just taken.
    rotation.used = [*rotation.used, *ids] if len(fresh) == len(ids) else fresh_after_wrap(ids, used)
    return ids


def _rotation(session: Session, cadence: Cadence, role: PromptAudience, phase: str) -> PromptRotation:
    # Read afresh: on PostgreSQL another replica may have moved it on before this one took the lock.
    rotation = session.get(PromptRotation, (cadence.id, role, phase), populate_existing=True)
    if rotation is None:
        rotation = PromptRotation(cadence_id=cadence.id, role=role, phase=phase, used=[])
        session.add(rotation)
    return rotation


def _choose_prompts(
    session: Session,
    library: PromptLibrary,
    cadence: Cadence,
    role: PromptAudience,
    phase: Phase | None,
) -> list[str]:
    """The next questions for this cadence, role and phase."""
    pool = candidates(
        library.set(prompt_set_for(cadence, role)),
        audience=PromptAudience(role),
        phase=phase,
        length=cadence_length(cadence),
        count=cadence.questions,
    )
    rotation = _rotation(session, cadence, role, _phase_key(phase))
    return take(rotation, pool, cadence.questions)


def _phase_key(phase: Phase | None) -> str:
    return OUTSIDE_CYCLE if phase is None else phase.value


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
    phase = cycles.phase_of_run(session, cadence, occurrence_date) if run is None else None
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
            prompt_ids=_choose_prompts(session, library, cadence, role, phase),
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
    """Hold the (cadence, role) rotation outside any cycle until commit: the one lock every run creator
    of this cadence and role takes, whatever the phase of its date (one lock, so no two creators can
    wait on each other in a cycle)."""
    session.execute(
        pg_insert(PromptRotation)
        .values(cadence_id=cadence.id, role=role, phase=OUTSIDE_CYCLE, used=[])
        .on_conflict_do_nothing(index_elements=["cadence_id", "role", "phase"])
    )
    session.scalar(
        select(PromptRotation)
        .where(
            PromptRotation.cadence_id == cadence.id,
            PromptRotation.role == role,
            PromptRotation.phase == OUTSIDE_CYCLE,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
