"""Peak memory of a ``coachbot serve``-like process during one tick that nudges 100,000 people.

    COACHBOT_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/memory.py [--people 100000]

The parent fills a throw-away PostgreSQL schema set-based (see ``bench/lookup.py``) with everyone
due at once, then starts a child that imports what ``serve`` imports (aiohttp, both adapters),
opens the database and runs one :meth:`Coachbot.tick`. The child reports its peak resident set
(``VmHWM`` from ``/proc/self/status``, ``ru_maxrss`` as a cross-check) before and after the tick.
Target: ≤ 250 MB — the tick streams in batches (``planner.FIRST_BATCH``, then ``planner.BATCH``
rows per transaction), it never holds everyone's rows at once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MB = 250


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, schema: str) -> None:
    from sqlalchemy import func, select

    import adapters.server
    import adapters.slack
    import adapters.teams  # noqa: F401
    from bench.lookup import NOW
    from bot.clock import ManualClock
    from bot.core import Coachbot
    from storage.db import open_database
    from storage.models import Checkin, OutboxMessage

    database = open_database(url, connect_args={"options": f"-csearch_path={schema}"})
    core = Coachbot(database=database, clock=ManualClock(NOW))
    before = _peak_mb()
    started = time.perf_counter()
    batches: list[int] = []
    core.tick(on_batch=batches.append)
    seconds = time.perf_counter() - started
    with database.session() as session:
        opened = session.scalar(select(func.count(Checkin.id)).where(Checkin.state == "open"))
        queued = session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending"))
    print(
        json.dumps(
            {
                "peak_mb_before_tick": round(before, 1),
                "peak_mb": round(_peak_mb(), 1),
                "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "tick_s": round(seconds, 1),
                "opened": sum(batches),
                "batches": len(batches),
                "open_checkins": opened,
                "pending_messages": queued,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "SCHEMA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from bench.lookup import populate, scratch_schema
    from storage.db import database_url, open_database

    raw = os.environ.get("COACHBOT_BENCH_DATABASE_URL") or os.environ.get("COACHBOT_TEST_DATABASE_URL")
    if not raw:
        sys.exit("set COACHBOT_BENCH_DATABASE_URL to a PostgreSQL database")
    url = database_url(raw)
    with scratch_schema(url) as schema:
        db = open_database(url, connect_args={"options": f"-csearch_path={schema}"})
        populate(db, args.people, due=args.people)
        db.dispose()
        out = subprocess.run(
            [sys.executable, __file__, "--child", url, schema],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        measured: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        json.dumps(
            {
                "bench": "memory",
                "people": args.people,
                **measured,
                "target_mb": TARGET_MB,
                "ok": measured["peak_mb"] <= TARGET_MB,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
