"""Pacing Slack calls: spacing per workspace and per DM channel, and slack_sdk's 429 retry.

Slack limits each workspace per method and ``chat.postMessage`` also per channel; pacing a
fan-out up front is cheaper than collecting 429s, and a 429 that still comes pauses the whole
workspace for its ``Retry-After``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.kit.retry_after import header, retry_after_seconds

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Spaces calls per workspace and per channel, and honours a workspace-wide pause after a 429.

    Slack rate-limits per workspace and method (``SLACK_MAX_MESSAGES_PER_SECOND`` spaces a
    workspace's calls) and ``chat.postMessage`` also per channel: about one message a second with
    short bursts, so a nudge and its first question leave together while a third message to the
    same DM waits its turn. Pacing a fan-out up front is cheaper than collecting 429s.
    """

    CHANNEL_RATE = 1.0
    CHANNEL_BURST = 3.0

    def __init__(
        self, *, per_second: float, sleep: Sleep, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = 1.0 / per_second
        self._sleep = sleep
        self._clock = clock
        self._next: dict[str, float] = {}
        self._channels: dict[tuple[str, str], tuple[float, float]] = {}  # -> (tokens, at)

    async def wait(self, workspace: str, channel: str | None = None) -> None:
        now = self._clock()
        slot = max(now, self._next.get(workspace, now))
        if channel is not None:
            slot = max(slot, self._channel_slot(workspace, channel, now))
        self._next[workspace] = max(self._next.get(workspace, now), slot) + self.interval
        if slot > now:
            await self._sleep(slot - now)

    def _channel_slot(self, workspace: str, channel: str, now: float) -> float:
        """When the channel's bucket has a token; takes it (it may go negative: a reservation)."""
        key = (workspace, channel)
        tokens, at = self._channels.get(key, (self.CHANNEL_BURST, now))
        tokens = min(self.CHANNEL_BURST, tokens + (now - at) * self.CHANNEL_RATE) - 1
        self._channels[key] = (tokens, now)
        if len(self._channels) > 50_000:  # forget channels whose bucket has long refilled
            horizon = now - self.CHANNEL_BURST / self.CHANNEL_RATE
            self._channels = {k: v for k, v in self._channels.items() if v[1] > horizon}
        return now if tokens >= 0 else now - tokens / self.CHANNEL_RATE

    def pause(self, workspace: str, seconds: float) -> None:
        self._next[workspace] = max(self._next.get(workspace, 0.0), self._clock() + seconds)


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler with an injectable sleep (tests pass one that costs no wall time)."""

    def __init__(
        self, *, max_retry_count: int, sleep: Sleep, on_wait: Callable[[float], None] | None = None
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep
        self._on_wait = on_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate-limit retry without a response")
        state.next_attempt_requested = True
        duration = retry_after(response.headers) + random.random() / 10
        if self._on_wait:
            self._on_wait(duration)
        await self._sleep(duration)
        state.increment_current_attempt()


def retry_after(headers: Any) -> float:
    """Seconds from a ``Retry-After`` header (any capitalisation; list or str values); 1 if absent."""
    return retry_after_seconds(header(headers, "Retry-After"), default=1.0)
