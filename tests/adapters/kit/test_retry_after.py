"""Retry-After, as both platforms' transports read it: seconds, HTTP dates, and whatever else arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.kit.retry_after import MAX_SECONDS, header, retry_after_seconds
from adapters.slack.pacing import retry_after as slack_retry_after

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        (12, 12.0),
        (["4"], 4.0),  # slack_sdk hands headers over as lists
        (b"9", 9.0),
        ("Mon, 23 Nov 2026 09:01:30 GMT", 90.0),  # the HTTP-date form
        ("Monday, 23-Nov-26 09:00:05 GMT", 5.0),  # the obsolete RFC 850 form is still a date
    ],
)
def test_seconds_and_dates_become_seconds(value: object, seconds: float) -> None:
    assert retry_after_seconds(value, default=60, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("garbage", [None, "", "  ", "soon", "12s", "nan", "inf", [], True, "Mon, 99 Foo"])
def test_missing_or_unreadable_values_fall_back_to_the_default(garbage: object) -> None:
    assert retry_after_seconds(garbage, default=30.0, now=NOW) == 30.0


@pytest.mark.parametrize("past", ["-5", -1, "Sun, 22 Nov 2026 09:00:00 GMT"])
def test_negative_waits_and_past_dates_mean_now(past: object) -> None:
    assert retry_after_seconds(past, default=30.0, now=NOW) == 0.0
    assert retry_after_seconds(past, default=30.0, minimum=1.0, now=NOW) == 1.0


@pytest.mark.parametrize("huge", ["86400", "1e12", 10**30, "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_absurd_waits_are_clamped(huge: object) -> None:
    assert retry_after_seconds(huge, default=30.0, now=NOW) == MAX_SECONDS
    assert retry_after_seconds(huge, default=30.0, maximum=120.0, now=NOW) == 120.0


def test_the_header_is_found_in_any_capitalisation_and_container() -> None:
    assert header({"retry-after": ["3"]}, "Retry-After") == ["3"]
    assert header({"RETRY-AFTER": "3"}, "Retry-After") == "3"
    assert header([("Content-Type", "x"), ("Retry-After", "5")], "retry-after") == "5"
    assert header({"Content-Type": "x"}, "Retry-After") is None
    assert header(None, "Retry-After") is None


def test_slack_keeps_its_one_second_default() -> None:
    assert slack_retry_after({"Retry-After": ["30"]}) == 30.0
    assert slack_retry_after({"retry-after": "soon"}) == 1.0
    assert slack_retry_after({}) == 1.0
