"""`/privacy policy` and `/about` end to end: private, plain facts, the not-therapy line."""

from __future__ import annotations

import pytest

from bot.texts import NOT_THERAPY, PRIVACY_SUMMARY
from tests.emulator.models import Message
from tests.harness import Harness

EPHEMERAL = 64


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    """Register the commands, so the emulator checks every option as Discord would."""
    await harness.live.tree.sync()


def fields(reply: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in reply.embeds[0].get("fields", [])}


async def test_privacy_policy_is_private_and_says_what_is_stored_and_who_sees_it(
    harness: Harness,
) -> None:
    reply = await harness.slash("privacy policy", user=harness.member)

    assert reply.flags & EPHEMERAL
    assert reply.embeds[0]["title"] == "Privacy"
    shown = fields(reply)
    assert list(shown) == [
        "What I store",
        "What I never store",
        "Who can see what",
        "Your data",
        "Not therapy",
    ]
    stored = shown["What I store"]
    for fact in ("Schedules", "suggestions", "opted in", "time zone", "blocked", "paired with"):
        assert fact in stored
    assert "until both of you have seen them, plus 7 days, then deleted" in stored
    assert "I don't read messages" in shown["What I never store"]
    assert (
        "moderators with the Manage Threads permission can see private threads on Discord"
        in shown["Who can see what"]
    )
    assert "`/privacy export`" in shown["Your data"]
    assert "`/privacy delete`" in shown["Your data"]
    assert shown["Not therapy"] == NOT_THERAPY
    assert harness.posts() == []


async def test_about_is_fuller_and_carries_the_not_therapy_line(harness: Harness) -> None:
    reply = await harness.slash("about", user=harness.member)

    assert reply.flags & EPHEMERAL
    shown = fields(reply)
    assert "`/intimacy types`" in shown["Get started"]
    assert "`/resources`" in shown["Get started"]
    assert shown["Privacy"] == PRIVACY_SUMMARY
    assert shown["Not therapy"] == NOT_THERAPY
    assert reply.embeds[0]["footer"]["text"].startswith("Version ")
