"""Background work: tracked, waited for, cancelled, failures logged; a re-runnable job never doubles up."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.kit import BackgroundWork, RunAgainJob


async def test_idle_waits_for_tasks_started_by_tasks() -> None:
    work = BackgroundWork(label="test")
    done: list[str] = []
    gate = asyncio.Event()

    async def child() -> None:
        await gate.wait()
        done.append("child")

    async def parent() -> None:
        work.spawn(child(), name="child")
        done.append("parent")

    work.spawn(parent(), name="parent")
    assert work.pending == 1
    waiting = asyncio.ensure_future(work.idle())
    await asyncio.sleep(0)  # let the parent run: it leaves a child behind
    await asyncio.sleep(0)
    assert done == ["parent"] and not waiting.done()
    gate.set()
    await waiting
    assert done == ["parent", "child"] and work.pending == 0


async def test_a_failing_task_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    work = BackgroundWork(label="test")

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="adapters.kit.work"):
        work.spawn(broken(), name="broken job")
        await work.idle()
    assert "test work 'broken job' failed" in caplog.text and "boom" in caplog.text


async def test_cancel_stops_what_is_running() -> None:
    work = BackgroundWork(label="test")
    started, forever = asyncio.Event(), asyncio.Event()

    async def waits_forever() -> None:
        started.set()
        await forever.wait()

    task = work.spawn(waits_forever(), name="forever")
    await started.wait()
    await work.cancel()
    assert task.cancelled() and work.pending == 0


async def test_requests_while_the_job_runs_fold_into_one_more_run(caplog: pytest.LogCaptureFixture) -> None:
    work = BackgroundWork(label="test")
    runs: list[int] = []
    release = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs) + 1)
        if len(runs) == 1:
            await release.wait()
            raise RuntimeError("first run failed")  # a failure does not lose the requests behind it

    deliver = RunAgainJob(work, job, name="deliver")
    deliver.request()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    for _ in range(100):  # a burst while the first run is still going
        deliver.request()
    assert work.pending == 1
    release.set()
    with caplog.at_level(logging.ERROR, logger="adapters.kit.work"):
        await work.idle()
    assert runs == [1, 2]
    assert "first run failed" in caplog.text
    deliver.request()  # idle again: a new request starts a new run
    await work.idle()
    assert runs == [1, 2, 3]
