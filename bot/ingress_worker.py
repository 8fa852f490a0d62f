"""The ingress worker: claims queued inbound events, applies them with the core, answers them.

The queue and its group commit are in :mod:`bot.ingress`; this is the other half, the part that
runs off the request path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import timedelta

from bot.core import Coachbot
from bot.effects import Outcome
from bot.events import Event
from bot.ingress import MAX_ATTEMPTS, InboundQueue, Queued, Route

log = logging.getLogger(__name__)

Answer = Callable[[Event, Route, Outcome], Awaitable[None]]
Prepare = Callable[[Event], Awaitable[None]]
GiveUp = Callable[[Event, Route], Awaitable[None]]


def _backoff(attempts: int) -> timedelta:
    """How long a failed row rests before its next attempt (so one bad row cannot spin the worker)."""
    return timedelta(seconds=5 * attempts)


def _handle_all(core: Coachbot, items: Sequence[Queued]) -> list[Outcome | BaseException]:
    """``core.apply`` for a whole batch in ONE worker thread, in order; an exception per item."""
    results: list[Outcome | BaseException] = []
    for item in items:
        try:
            results.append(core.apply(item.event))
        except Exception as exc:
            results.append(exc)
    return results


class IngressWorker:
    """Claims queued events, applies them with the core, hands the outcome (replies and effects) to
    ``answer``.

    One drain runs at a time per worker (a lock), so a test or shutdown can wait for "everything
    queued so far is done" with :meth:`drain`, and :meth:`paused` can hold the worker off.
    ``prepare`` runs before the core sees an event (Slack: fetch an unknown person's profile);
    ``give_up`` is told when an event failed :data:`MAX_ATTEMPTS` times; ``settled`` runs after a
    round that finished something (Slack: wake the outbox drain once, not once per event).
    """

    def __init__(
        self,
        queue: InboundQueue,
        *,
        owner: str,
        answer: Answer,
        batch: int = 64,
        prepare: Prepare | None = None,
        give_up: GiveUp | None = None,
        settled: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.queue = queue
        self.owner = owner
        self.answer = answer
        self.batch = batch
        self.prepare = prepare
        self.give_up = give_up
        self.settled = settled
        self.processed = 0
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._paused = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    def start(self, *, poll_seconds: float = 1.0) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(poll_seconds), name="ingress worker")

    async def stop(self) -> None:
        """Let the batch in hand finish (its rows would otherwise wait out their lease), then stop."""
        if self._task is not None:
            async with self._lock:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Hold the worker off while inside: the batch in hand finishes, then every drain is a no-op
        (tests: see the acknowledgement before any processing, or stop as if crashed)."""
        async with self._lock:
            self._paused = True
        try:
            yield
        finally:
            self._paused = False
            self.wake()

    async def _run(self, poll_seconds: float) -> None:
        while True:
            self._wake.clear()
            try:
                done = await self.drain()
            except Exception:
                log.exception("ingress worker round failed; retrying")
                done = 0
            if not done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), poll_seconds)

    async def drain(self) -> int:
        """Process everything claimable now; returns how many rows were finished."""
        async with self._lock:
            finished = 0
            while not self._paused and (
                items := await asyncio.to_thread(self.queue.claim, owner=self.owner, limit=self.batch)
            ):
                finished += await self._process(items)
            if finished and self.settled is not None:
                await self.settled()
            return finished

    async def _process(self, items: list[Queued]) -> int:
        """One batch: prepare, apply (one thread hop), answer (concurrently per person), mark (one commit)."""
        if self.prepare is not None:
            for item in items:
                try:
                    await self.prepare(item.event)
                except Exception as exc:  # e.g. users.info down: the core still applies the event
                    log.warning("preparing inbound %s failed: %s", item.id, exc)
        results = await asyncio.to_thread(_handle_all, self.queue.core, items)
        done: list[tuple[int, str | None]] = []
        retry: list[tuple[int, str, timedelta]] = []
        answers: dict[tuple[str, str, str], list[tuple[Queued, Outcome]]] = {}
        for item, result in zip(items, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("inbound %s failed (attempt %d): %s", item.id, item.attempts, result)
                if item.attempts < MAX_ATTEMPTS:
                    retry.append((item.id, str(result), _backoff(item.attempts)))
                    continue
                done.append((item.id, str(result)))
                if self.give_up is not None:
                    answers.setdefault(_who(item.event), []).append((item, Outcome()))
                continue
            answers.setdefault(_who(item.event), []).append((item, result))
            done.append((item.id, None))
        errors = dict(done)
        # One person's answers stay in order; different people's go out side by side.
        outcomes = await asyncio.gather(*(self._answer_in_order(group, errors) for group in answers.values()))
        for outcome in outcomes:
            errors.update(outcome)
        await asyncio.to_thread(self.queue.finish_many, owner=self.owner, done=errors, retry=retry)
        self.processed += len(errors)
        return len(errors)

    async def _answer_in_order(
        self, group: list[tuple[Queued, Outcome]], errors: Mapping[int, str | None]
    ) -> dict[int, str]:
        failed: dict[int, str] = {}
        for item, outcome in group:
            try:
                if errors.get(item.id) is not None:
                    assert self.give_up is not None
                    await self.give_up(item.event, item.route)
                else:
                    await self.answer(item.event, item.route, outcome)
            except Exception as exc:  # the change is committed; only this reply is lost
                log.warning("answer to inbound %s failed: %s", item.id, exc)
                failed[item.id] = f"answer: {exc}"
        return failed


def _who(event: Event) -> tuple[str, str, str]:
    return event.actor.platform, event.actor.workspace, event.actor.person
