"""`coachbot demo`: a small sample organisation, seeded through the same chat lines a person would type."""

from __future__ import annotations

from adapters.local.chat import LocalChat

PEOPLE = [
    # handle, name, zone, locale
    ("ada", "Ada", "Europe/London", "en"),
    ("maria", "Maria", "America/New_York", "en"),
    ("kenji", "Kenji", "Australia/Sydney", "en"),
    ("ben", "Ben", "America/New_York", "en"),
    ("chloe", "Chloe", "America/Chicago", "en"),
    ("diego", "Diego", "America/New_York", "en"),
    ("emma", "Emma", "Europe/Berlin", "de"),
    ("farid", "Farid", "America/New_York", "en"),
    ("hana", "Hana", "Asia/Tokyo", "en"),
    ("liam", "Liam", "Australia/Sydney", "en"),
    ("mia", "Mia", "Australia/Melbourne", "en"),
    ("noah", "Noah", "Australia/Sydney", "en"),
    ("olivia", "Olivia", "Pacific/Auckland", "en"),
]

SETUP = [
    ":as ada",
    "team create atlas --manager @maria",
    "team add atlas @ben @chloe @diego @emma @farid",
    "team create harbor --manager @kenji",
    "team add harbor @hana @liam @mia @noah @olivia",
    # The managers' check-ins end with a commitment question; the next one opens by following it up.
    'cadence add lead-weekly --team atlas --audience manager --every "weekly mon" --at 09:00 --questions 3'
    " --commitment yes",
    'cadence add harbor-lead --team harbor --audience manager --every "weekly mon" --at 09:00 --questions 3'
    " --commitment yes",
    'cadence add atlas-pulse --team atlas --audience members --every "weekly mon" --at 09:00 '
    "--questions 3 --window 2d --anonymous yes",
]


def seed(chat: LocalChat) -> bool:
    """Create the sample organisation unless it exists; True if it was created now."""
    if chat.core.knows(chat.actor("ada")):
        return False
    for handle, name, zone, locale in PEOPLE:
        chat.person(handle, name=name, tz=zone, locale=locale, admin=handle == "ada")
    for line in SETUP:
        chat.run_line(line)
    return True


def remember_zones(chat: LocalChat) -> None:
    """So times print in each person's zone even when the demo reopens an existing database."""
    for handle, _name, zone, _locale in PEOPLE:
        chat.remember_zone(handle, zone)
