"""The catalogs: every sentence the code writes is translated into every shipped language, with the
same placeholders, and the translator formats dates, numbers and plurals the reader's way."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import tr
from tests.i18n_check import extracted, placeholders, untranslated

SHIPPED = [lang for lang in i18n.available_languages() if lang != i18n.DEFAULT_LOCALE]


def test_german_is_shipped() -> None:
    assert "de" in SHIPPED


@pytest.mark.parametrize("language", SHIPPED)
def test_every_sentence_in_the_code_is_translated(language: str) -> None:
    catalog = i18n.read_catalog(language)
    assert catalog is not None
    missing, fuzzy = [], []
    for key, where in extracted().items():
        msgid = key[0] if isinstance(key, tuple) else key
        message = catalog.get(msgid)
        strings = message.string if message is not None else None
        if message is None or not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(f"{msgid!r} ({where[0]})")
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, f"{language}: {len(missing)} sentences without a translation:\n" + "\n".join(missing)
    assert not fuzzy, f"{language}: fuzzy entries are not used: {fuzzy}"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = i18n.read_catalog(language)
    assert catalog is not None
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) - wanted or (len(ids) == 1 and placeholders(text) != wanted):
                wrong.append((message.id, text))
    assert not wrong, wrong


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_has_no_sentences_the_code_no_longer_writes(language: str) -> None:
    used = {key[0] if isinstance(key, tuple) else key for key in extracted()}
    stale = []
    for path in i18n.catalog_files(language):
        with path.open("rb") as handle:
            stale += [f"{path.name}: {m.id!r}" for m in read_po(handle) if m.id and _first(m.id) not in used]
    assert not stale, "\n".join(stale)


def _first(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def test_dates_times_numbers_and_plurals_follow_the_locale() -> None:
    monday = date(2026, 11, 23)
    instant = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    en, de = tr("en-US"), tr("de-DE")
    assert en.day(monday) == "Mon, Nov 23"
    assert de.day(monday) == "Mo., 23. Nov."
    assert en.time(instant, "Europe/Berlin").replace("\u202f", " ") == "3:00 PM"
    assert de.time(instant, "Europe/Berlin") == "15:00"
    assert de.number(3.46, digits=1) == "3,5"
    assert de.list(["Ana", "Ben", "Chloe"]) == "Ana, Ben und Chloe"


def test_unknown_language_falls_back_to_english_sentences_and_dates() -> None:
    t = tr("fr-FR")
    assert t._("{day}, {time}", day="x", time="y") == "x, y"
    assert t.day(date(2026, 11, 23)) == "Mon, Nov 23"


def test_pseudo_language_marks_every_catalog_sentence(pseudo_locale: str) -> None:
    t = tr(pseudo_locale)
    assert t._("{day}, {time}", day="Mo", time="9") == "⟦Mo, 9⟧"
    assert untranslated(["⟦Hi Ada⟧ • 3/5", "• *⟦x⟧*"]) == []
    assert untranslated(["⟦Hi⟧ Ada"]) == ["⟦Hi⟧ Ada"]
    assert untranslated(["⟦Due ⟦Mo, 9⟧ at the latest⟧"]) == []
