"""`/resources` end to end: always private, country autocomplete, the fallback, server first."""

from __future__ import annotations

from typing import Any

import pytest

from bot.texts import NOT_THERAPY
from tests.emulator.models import Message
from tests.harness import Harness

EPHEMERAL = 64
FALLBACK = "**If you are in danger, call your local emergency number.**"


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    """Register the commands, so the emulator checks every option as Discord would."""
    await harness.live.tree.sync()


def everything(reply: Message) -> str:
    """All the text a member sees in the reply's embeds."""
    parts: list[str] = []
    for embed in reply.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def titles(reply: Message) -> list[str]:
    return [str(e.get("title", "")) for e in reply.embeds]


def field(reply: Message, name: str) -> str:
    for embed in reply.embeds:
        for item in embed.get("fields", []):
            if item["name"] == name:
                return str(item["value"])
    raise AssertionError(f"no field {name!r} in {titles(reply)}")


async def resources(harness: Harness, **options: Any) -> Message:
    reply = await harness.slash("resources", user=harness.member, **options)
    assert reply.flags & EPHEMERAL, "/resources must always be ephemeral"
    assert reply.embeds[-1]["footer"]["text"] == NOT_THERAPY
    assert harness.posts() == []  # nothing visible in the channel
    return reply


async def choices(harness: Harness, command: str, option: str, typed: str) -> list[Any]:
    record = await harness.emu.autocomplete(
        command, channel=harness.general, user=harness.moderator, focused=option, value=typed
    )
    answered = await harness.emu.wait_for_response(record)
    assert answered.choices is not None
    return answered.choices


async def test_a_country_shows_its_emergency_number_lines_and_directories(
    harness: Harness,
) -> None:
    reply = await resources(harness, country="NZ")

    assert titles(reply) == [
        "Help in New Zealand",
        "Crisis lines in New Zealand",
        "International directories",
    ]
    assert (
        "**If you are in danger, call 111 (the emergency number in New Zealand).**"
        in (reply.embeds[0]["description"])
    )
    line = field(reply, "1737 Need to talk?")
    assert "Call: **1737** · Text: **1737**" in line
    assert "Hours: 24/7" in line
    assert "[Source](https://" in line
    assert "checked 23 Nov 2026" in line
    assert "[findahelpline.com](https://findahelpline.com)" in field(reply, "Find A Helpline")


async def test_a_country_with_therapist_options_lists_them_after_crisis_lines(
    harness: Harness,
) -> None:
    reply = await resources(harness, country="US")

    assert titles(reply) == [
        "Help in United States",
        "Crisis lines in United States",
        "Finding a therapist in United States",
        "International directories",
    ]
    assert "**If you are in danger, call 911" in reply.embeds[0]["description"]
    assert "Call: **988** · Text: **988** · Chat: [988lifeline.org]" in field(
        reply, "988 Suicide & Crisis Lifeline"
    )
    assert "Open Path Collective" in everything(reply)


async def test_a_typed_country_name_works_without_picking_from_the_list(
    harness: Harness,
) -> None:
    reply = await resources(harness, country="new zealand")

    assert titles(reply)[0] == "Help in New Zealand"


async def test_no_country_falls_back_to_directories_and_local_emergency(
    harness: Harness,
) -> None:
    reply = await resources(harness)

    assert titles(reply) == ["Help and support", "International directories"]
    header = reply.embeds[0]["description"]
    assert FALLBACK in header
    assert "Add `country:`" in header
    assert "Befrienders Worldwide" in everything(reply)


async def test_an_unknown_country_says_so_and_falls_back(harness: Harness) -> None:
    reply = await resources(harness, country="Atlantis")

    header = reply.embeds[0]["description"]
    assert header.startswith(
        "I don't have a list for “Atlantis”. Type a country name, like “Canada”, and pick it "
        "from the list."
    )
    assert FALLBACK in header
    assert titles(reply)[1:] == ["International directories"]


@pytest.mark.parametrize("typed", ["new", "NZ", "zeal", "Aotearoa"])
async def test_country_autocomplete_by_name_code_or_alias(harness: Harness, typed: str) -> None:
    assert await choices(harness, "resources", "country", typed) == [
        {"name": "New Zealand (NZ)", "value": "NZ"}
    ]


async def test_country_autocomplete_offers_at_most_25(harness: Harness) -> None:
    offered = await choices(harness, "resources", "country", "")
    assert 1 <= len(offered) <= 25
    assert {"name": "United Kingdom (GB)", "value": "GB"} in offered
    assert await choices(harness, "resources", "country", "xyzzy") == []


async def test_server_resources_come_first_for_their_country(harness: Harness) -> None:
    for name, contact, country in (
        ("Mod team", "https://example.org/help", None),
        ("Kiwi peer line", "+64 9 000 0000", "NZ"),
        ("US peer line", "+1 555 0100", "US"),
    ):
        options: dict[str, Any] = {"name": name, "contact": contact}
        if country:
            options["country"] = country
        added = await harness.emu.slash_command(
            "settings resource-add",
            channel=harness.general,
            user=harness.moderator,
            options=options,
        )
        assert "Added resource" in ((await harness.emu.wait_for_reply(added)).content or "")

    reply = await resources(harness, country="NZ")

    assert titles(reply)[:3] == [
        "Help in New Zealand",
        "From this server",
        "Crisis lines in New Zealand",
    ]
    server = reply.embeds[1]
    assert [f["name"] for f in server["fields"]] == ["Mod team", "Kiwi peer line"]
    assert server["fields"][1]["value"] == "Call: **+64 9 000 0000**\nFor members in New Zealand"
    assert "https://example.org/help" in server["fields"][0]["value"]
    assert reply.allowed_mentions == {"parse": []}  # moderator text can never ping

    everyone = await resources(harness)
    assert [f["name"] for f in everyone.embeds[1]["fields"]] == [
        "Mod team",
        "Kiwi peer line",
        "US peer line",
    ]
