"""What the Teams adapter writes itself (welcome, private-reply notes, card lines, invoke notes)
reaches each person in their Teams language (``activity.locale``), through the catalogs."""

from __future__ import annotations

from typing import Any

from adapters.teams import cards
from tests.adapters.teams.harness import TEAM_ID, TeamsHarness, person
from tests.adapters.teams.test_conversation import text_of
from tests.i18n_check import untranslated

EMMA = person("emma", "Europe/Berlin", locale="de-DE")


def subtle_lines(card: dict[str, Any]) -> list[str]:
    """The card's own small print (the "Your answer:" line), not the question or the choice."""
    return [b["text"] for b in card["body"] if b.get("type") == "TextBlock" and b.get("isSubtle")]


async def test_the_welcome_is_in_the_persons_teams_language(teams: TeamsHarness) -> None:
    status, _ = await teams.post(teams.activities.installed(EMMA))
    assert status == 200
    [welcome] = teams.fake.state.posts(EMMA.id)
    assert "Hallo, ich bin **Coachbot**" in text_of(welcome)
    assert "`help`" in text_of(welcome)  # command words stay English


async def test_a_clicked_card_and_the_channel_note_speak_german(teams: TeamsHarness) -> None:
    data = cards.choice_data(value="4", label="4", prompt="Wie war deine Woche?")
    status, body = await teams.post(teams.activities.execute(EMMA, data))
    assert status == 200
    assert subtle_lines(body["value"]) == ["Deine Antwort:"]
    status, _ = await teams.post(teams.activities.channel_message(EMMA, "status"))
    assert status == 200
    in_channel = [text_of(c) for c in teams.fake.state.posts() if c.conversation.startswith(TEAM_ID)]
    assert in_channel == ["Ich habe dir in unserem 1:1-Chat geantwortet."]


async def test_every_note_the_adapter_writes_goes_through_the_catalogs(
    teams: TeamsHarness, pseudo_locale: str
) -> None:
    quinn = person("quinn", "Europe/Berlin", locale=pseudo_locale)
    written: list[str] = []
    # The welcome, on installing the app and when Teams opens the chat.
    await teams.post(teams.activities.installed(quinn))
    await teams.post(teams.activities.bot_added_to_chat(quinn))
    written += [text_of(c) for c in teams.fake.state.posts(quinn.id)]
    # A button press: the card that replaces the question, by invoke and by messageBack.
    data = cards.choice_data(value="4", label="4", prompt="")
    _, body = await teams.post(teams.activities.execute(quinn, data))
    written += subtle_lines(body["value"])
    await teams.post(teams.activities.message_back(quinn, data, reply_to="1:msg-card"))
    [update] = teams.fake.state.updates()
    written += subtle_lines(update.body["attachments"][0]["content"])
    # A card action that isn't ours.
    foreign = teams.activities.execute(quinn, {})
    foreign["value"] = {"action": {"type": "Action.Execute", "verb": "someone.else", "data": {}}}
    _, body = await teams.post(foreign)
    written.append(body["value"])
    # A command in a channel: the answer goes to the 1:1 chat, the channel gets a note.
    await teams.post(teams.activities.channel_message(quinn, "status"))
    written += [text_of(c) for c in teams.fake.state.posts() if c.conversation.startswith(TEAM_ID)]
    assert len(written) == 6, written
    assert untranslated(written) == []
