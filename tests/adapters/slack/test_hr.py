"""Issue 10, section 5 through Slack: `/coach holidays`, and `coachbot import` finding people by
email with ``users.lookupByEmail``."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from adapters.org_import import ImportRefused, import_file
from bot import relationships
from storage.models import Person, Team
from tests.adapters.slack.conftest import Harness

CSV = (
    "email,name,manager,team,country\n"
    "maria@acme.example,Maria Lopez,,atlas,US\n"
    "ben@acme.example,Ben Ng,maria@acme.example,atlas,DE\n"
)


async def test_holidays_is_an_admin_command_in_slack(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    slack.fake.add_user("UBEN", name="Ben", tz="Europe/Berlin")
    _, answer = await slack.command("UADA", "holidays off")
    assert "no longer days off" in answer["text"]
    _, answer = await slack.command("UBEN", "holidays on")
    assert "Only Coachbot admins" in answer["text"]
    _, answer = await slack.command("UADA", "holidays")
    assert "Public holidays are not days off." in answer["text"]


async def test_import_resolves_emails_with_slack(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    slack.fake.add_user(
        "UMARIA", name="Maria", tz="America/New_York", profile={"email": "Maria@acme.example"}
    )
    slack.fake.add_user("UBEN", name="Ben", tz="Europe/Berlin", profile={"email": "ben@acme.example"})
    await slack.command("UADA", "status")  # the workspace exists once someone used Coachbot
    url = slack.core.database.engine.url.render_as_string(hide_password=False)
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.fake.url}

    def run(text: str, *, dry_run: bool) -> list[str]:
        return import_file(text, database=url, platform="slack", workspace=None, dry_run=dry_run, env=env)

    lines = await asyncio.to_thread(run, CSV, dry_run=False)
    assert lines[:2] == [
        "Line 2: create UMARIA (Maria Lopez): email maria@acme.example; country US",
        "Line 3: create UBEN (Ben Ng): email ben@acme.example; country DE; manager UMARIA; team atlas",
    ]
    assert len(slack.fake.called("users.lookupByEmail")) == 2
    with slack.core.database.session() as session:
        atlas = session.scalars(select(Team).where(Team.name == "atlas")).one()
        assert [p.platform_id for p in relationships.leads_of(session, atlas)] == ["UMARIA"]
        assert [p.platform_id for p in relationships.members_of(session, atlas)] == ["UBEN"]
        assert (
            session.scalars(select(Person.workspace_id).where(Person.platform_id == "UBEN")).one()
            == atlas.workspace_id
        )
    again = await asyncio.to_thread(run, CSV, dry_run=True)
    assert again[-2:] == [
        "Nothing to change: the organisation already matches the file.",
        "Dry run: nothing was changed.",
    ]
    assert len(slack.fake.called("users.lookupByEmail")) == 2  # known by email now

    unknown = CSV + "ghost@acme.example,Ghost,,atlas,\n"
    try:
        await asyncio.to_thread(run, unknown, dry_run=False)
    except ImportRefused as refused:
        assert refused.lines == [
            "Line 4: Nobody with the email ghost@acme.example is known here; add their platform id.",
            "Nothing was imported; fix these lines and run the import again.",
        ]
    else:
        raise AssertionError("an unknown email must refuse the whole file")


async def test_someone_slack_showed_us_is_found_by_email_without_asking_slack(slack: Harness) -> None:
    slack.fake.add_user(
        "UADA", name="Ada", tz="Europe/London", admin=True, profile={"email": "Ada@acme.example"}
    )
    await slack.command("UADA", "status")
    url = slack.core.database.engine.url.render_as_string(hide_password=False)
    text = "email,country\nada@acme.example,GB\n"
    lines = await asyncio.to_thread(
        import_file, text, database=url, platform="slack", workspace=None, dry_run=False, env={}
    )
    assert lines[0] == "Line 2: update UADA (Ada): country GB"
    assert slack.fake.called("users.lookupByEmail") == []
