"""`/intimacy` end to end: what a member sees for every subcommand and choice, and for bad input."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content import ContentLibrary, load_library
from bot.content.vocab import BarrierKey, IntimacyType
from bot.texts import NOT_THERAPY
from tests.emulator.models import Message
from tests.harness import Harness

EPHEMERAL = 64


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    """Register the commands, so the emulator checks every option as Discord would."""
    await harness.live.tree.sync()


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library()


def fields(reply: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in reply.embeds[0].get("fields", [])}


def footer(reply: Message) -> str:
    return str(reply.embeds[0].get("footer", {}).get("text", ""))


async def slash(harness: Harness, command: str, **options: Any) -> Message:
    """Run ``/command`` as the plain member; options may be called ``name``."""
    record = await harness.emu.slash_command(
        command, channel=harness.general, user=harness.member, options=options
    )
    return await harness.emu.wait_for_reply(record)


async def stale_choice(harness: Harness, sub: str, option: str, value: str) -> Message:
    """Send a choice Discord would not offer (an old client, a hand-made request)."""
    emu = harness.emu
    command = next((c for c in emu.global_commands if c["name"] == "intimacy"), None)
    data: dict[str, Any] = {
        "id": command["id"] if command else str(emu.next_id()),
        "name": "intimacy",
        "type": 1,
        "options": [
            {"type": 1, "name": sub, "options": [{"type": 3, "name": option, "value": value}]}
        ],
    }
    # The options argument passes the emulator's own checks; ``extra`` then replaces the data.
    valid = {"type": {"name": "emotional"}, "barriers": {}}[sub]
    record = await emu.slash_command(
        f"intimacy {sub}",
        channel=harness.general,
        user=harness.member,
        options=valid,
        extra={"data": data},
    )
    return await emu.wait_for_reply(record)


async def test_types_lists_the_four_publicly(harness: Harness, library: ContentLibrary) -> None:
    reply = await harness.slash("intimacy types", user=harness.member)

    assert not reply.flags & EPHEMERAL
    assert reply.embeds[0]["title"] == "Four kinds of intimacy"
    shown = fields(reply)
    for info in library.intimacy_types:
        assert info.name in shown
        assert shown[info.name] in info.summary  # its first sentence
    assert "`/intimacy type`" in shown["Learn more"]
    assert footer(reply) == NOT_THERAPY


@pytest.mark.parametrize("key", list(IntimacyType))
async def test_type_shows_examples_research_sources_and_a_light_prompt(
    harness: Harness, library: ContentLibrary, key: IntimacyType
) -> None:
    reply = await slash(harness, "intimacy type", name=key.value)

    info = library.intimacy_type(key)
    assert info is not None
    assert not reply.flags & EPHEMERAL
    embed = reply.embeds[0]
    assert embed["title"] == info.name
    assert embed["description"] == info.summary
    shown = fields(reply)
    assert info.examples[0] in shown["Examples"]
    assert shown["What research says"] == info.research_note
    light = {p.text for p in library.prompts_of_type(key) if p.depth == 1 and p.audience_safe}
    assert shown["Try this"] in light
    for source in library.sources_of(info.sources):
        assert source.citation in shown["Sources"] + shown.get("Sources (continued)", "")
        if source.url:
            assert f"]({source.url})" in shown["Sources"] + shown.get("Sources (continued)", "")
    assert footer(reply) == NOT_THERAPY


async def test_unknown_type_gets_a_clear_private_answer(harness: Harness) -> None:
    reply = await stale_choice(harness, "type", "name", "romantic")

    assert reply.flags & EPHEMERAL
    assert reply.content == (
        "I don't know the intimacy type 'romantic'. Pick one from the list: "
        "Emotional, Intellectual, Experiential, Physical."
    )


async def test_scale_explains_the_eis_and_the_five_characteristics(
    harness: Harness, library: ContentLibrary
) -> None:
    reply = await harness.slash("intimacy scale", user=harness.member)

    assert not reply.flags & EPHEMERAL
    embed = reply.embeds[0]
    assert embed["title"] == "The Emotional Intimacy Scale"
    assert "five items" in embed["description"]
    assert "not the scale's items" in embed["description"]
    shown = fields(reply)
    assert list(shown)[:5] == ["Knowledge", "Mutuality", "Trust", "Commitment", "Caring"]
    assert "Sinclair, V. G., & Dowdy, S. W. (2005)" in shown["Sources"]
    assert footer(reply) == NOT_THERAPY


async def test_barriers_without_a_choice_lists_five_privately(
    harness: Harness, library: ContentLibrary
) -> None:
    reply = await harness.slash("intimacy barriers", user=harness.member)

    assert reply.flags & EPHEMERAL
    assert list(fields(reply)) == [b.name for b in library.barriers]
    assert "`/intimacy barriers barrier:`" in reply.embeds[0]["description"]
    assert footer(reply) == NOT_THERAPY


@pytest.mark.parametrize("key", list(BarrierKey))
async def test_each_barrier_has_steps_a_prompt_and_sources_privately(
    harness: Harness, library: ContentLibrary, key: BarrierKey
) -> None:
    reply = await harness.slash("intimacy barriers", user=harness.member, barrier=key.value)

    barrier = library.barrier(key)
    assert barrier is not None
    assert reply.flags & EPHEMERAL
    assert reply.embeds[0]["title"] == barrier.name
    shown = fields(reply)
    for number, step in enumerate(barrier.steps, start=1):
        assert f"{number}. {step}" in shown["Small steps"]
    assert shown["Try this"].startswith("When you feel ready")
    if barrier.sources:
        for source in library.sources_of(barrier.sources):
            assert source.citation in shown["Sources"]
    if key is BarrierKey.PAST_TRAUMA:
        assert "`/resources`" in shown["If you need support"]
    else:
        assert "If you need support" not in shown
    assert footer(reply) == NOT_THERAPY


async def test_unknown_barrier_gets_a_clear_private_answer(harness: Harness) -> None:
    reply = await stale_choice(harness, "barriers", "barrier", "shyness")

    assert reply.flags & EPHEMERAL
    assert "I don't know the barrier 'shyness'" in (reply.content or "")
    assert "Fear of vulnerability" in (reply.content or "")
