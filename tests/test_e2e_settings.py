"""`/settings` end to end: moderators only, private confirmations, and refused bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.emulator.models import Member, Message
from tests.harness import Harness

EPHEMERAL = 64
NOTHING_SAVED = "Nothing was saved."


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    """Register the commands, so the emulator checks every option as Discord would."""
    await harness.live.tree.sync()


async def settings(
    harness: Harness, sub: str, *, user: Member | None = None, **options: Any
) -> Message:
    """Run ``/settings sub`` (as the moderator by default); every reply must be private."""
    record = await harness.emu.slash_command(
        f"settings {sub}",
        channel=harness.general,
        user=user or harness.moderator,
        options=options,
    )
    reply = await harness.emu.wait_for_reply(record)
    assert reply.flags & EPHEMERAL, f"/settings {sub} replied publicly: {reply.content!r}"
    return reply


async def server_resource_names(harness: Harness) -> list[str]:
    """The server's resources as a member sees them in `/resources`."""
    reply = await harness.slash("resources", user=harness.member)
    for embed in reply.embeds:
        if embed.get("title") == "From this server":
            return [f["name"] for f in embed.get("fields", [])]
    return []


async def remove_choices(harness: Harness, user: Member, typed: str = "") -> list[Any]:
    record = await harness.emu.autocomplete(
        "settings resource-remove", channel=harness.general, user=user, focused="id", value=typed
    )
    answered = await harness.emu.wait_for_response(record)
    assert answered.choices is not None
    return answered.choices


# -- who may use it ----------------------------------------------------------------------------


async def test_settings_is_hidden_from_members_by_default(harness: Harness) -> None:
    command = next(c for c in harness.emu.global_commands if c["name"] == "settings")
    assert int(command["default_member_permissions"]) == 1 << 5  # Manage Server
    assert command.get("contexts") == [0] or command.get("dm_permission") is False


@pytest.mark.parametrize(
    ("sub", "options"),
    [
        ("review-channel", {"channel": "general"}),
        ("support-role", {}),
        ("resource-add", {"name": "Sneaky", "contact": "https://example.org"}),
        ("resource-remove", {"id": 1}),
    ],
)
async def test_a_member_is_refused_with_a_clear_message(
    harness: Harness, sub: str, options: dict[str, Any]
) -> None:
    if options.get("channel") == "general":
        options = {"channel": harness.general}
    reply = await settings(harness, sub, user=harness.member, **options)

    assert "You need the Manage" in (reply.content or "")
    assert "permission to use this command" in (reply.content or "")
    assert await server_resource_names(harness) == []
    assert await harness.live.store.review_channel_id(harness.guild.id) is None


# -- review channel and support role ---------------------------------------------------------


async def test_review_channel_is_set_and_confirmed(harness: Harness) -> None:
    reply = await settings(harness, "review-channel", channel=harness.review)

    assert reply.content == (
        f"Suggestions and notices for moderators will go to <#{harness.review.id}>."
    )
    assert await harness.live.store.review_channel_id(harness.guild.id) == harness.review.id


async def test_review_channel_warns_when_the_bot_cannot_post_there(harness: Harness) -> None:
    harness.emu.set_overwrite(harness.review, harness.emu.bot_role(harness.guild), deny=1 << 11)
    await harness.emu.gateway.flush()

    reply = await settings(harness, "review-channel", channel=harness.review)

    assert "I can't post there yet" in (reply.content or "")


async def test_support_role_is_set_without_pinging_and_can_be_cleared(harness: Harness) -> None:
    helpers = harness.emu.create_role(harness.guild, "Helpers")
    await harness.emu.gateway.flush()

    reply = await settings(harness, "support-role", role=helpers)

    assert f"'Need support' will offer to notify <@&{helpers.id}>, only if the member agrees" in (
        reply.content or ""
    )
    assert reply.allowed_mentions == {"parse": []}
    assert await harness.live.store.support_role_id(harness.guild.id) == helpers.id

    cleared = await settings(harness, "support-role")
    assert "will not notify any role" in (cleared.content or "")
    assert await harness.live.store.support_role_id(harness.guild.id) is None


async def test_support_role_refuses_everyone(harness: Harness) -> None:
    everyone = harness.guild.roles[harness.guild.id]

    reply = await settings(harness, "support-role", role=everyone)

    assert "not @everyone" in (reply.content or "")
    assert await harness.live.store.support_role_id(harness.guild.id) is None


# -- resource-add ------------------------------------------------------------------------------


async def test_resource_add_with_a_link_or_a_phone_number(harness: Harness) -> None:
    first = await settings(
        harness,
        "resource-add",
        name="Mod team",
        contact="https://example.org/help",
        description="Message any moderator, any time.",
    )
    second = await settings(
        harness, "resource-add", name="Kiwi peer line", contact="+64 9 000 0000", country="NZ"
    )

    assert first.content == (
        "Added resource #1: **Mod team**. It shows first in `/resources` for everyone in this "
        "server. Remove it with `/settings resource-remove id:1`."
    )
    assert "Added resource #2: **Kiwi peer line**" in (second.content or "")
    assert "for members who choose New Zealand" in (second.content or "")
    assert await server_resource_names(harness) == ["Mod team", "Kiwi peer line"]


async def test_resource_add_country_autocompletes(harness: Harness) -> None:
    record = await harness.emu.autocomplete(
        "settings resource-add",
        channel=harness.general,
        user=harness.moderator,
        focused="country",
        value="zeal",
        options={"name": "x", "contact": "988"},
    )
    answered = await harness.emu.wait_for_response(record)
    assert answered.choices == [{"name": "New Zealand (NZ)", "value": "NZ"}]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"contact": "call Sam on weekends"}, "Type a web address that starts with `https://`"),
        ({"contact": "www.example.org"}, "Type a web address that starts with `https://`"),
        ({"contact": "http://example.org"}, "Please use a secure `https://` address"),
        ({"contact": "12"}, "A phone number needs 3-20 digits; yours has 2"),
        ({"name": "N" * 101}, "The name must be 2-100 characters; yours has 101"),
        ({"description": "d" * 301}, "at most 300 characters; yours has 301"),
        ({"name": "Help @everyone"}, "The name can't contain mentions"),
        ({"description": "Ask <@123> for help"}, "The description can't contain mentions"),
        ({"description": "Ping <@&42> or <#7>"}, "The description can't contain mentions"),
        ({"contact": "https://example.org/@here"}, "The contact can't contain mentions"),
        ({"description": "See [our page](https://evil.example)"}, "markdown links"),
        ({"country": "Atlantis"}, "I don't know the country 'Atlantis'"),
    ],
)
async def test_resource_add_refuses_bad_input_and_stores_nothing(
    harness: Harness, options: dict[str, Any], expected: str
) -> None:
    reply = await settings(
        harness, "resource-add", **{"name": "Peer line", "contact": "+1 555 0100", **options}
    )

    assert expected in (reply.content or "")
    assert NOTHING_SAVED in (reply.content or "")
    assert await server_resource_names(harness) == []


async def test_resource_add_stops_at_25_per_server(harness: Harness) -> None:
    for n in range(25):
        await settings(harness, "resource-add", name=f"Line {n}", contact=f"+1 555 01{n:02d}")

    reply = await settings(harness, "resource-add", name="One too many", contact="988")

    assert "already has 25 resources" in (reply.content or "")
    assert "One too many" not in await server_resource_names(harness)


# -- resource-remove ---------------------------------------------------------------------------


async def test_resource_remove_autocompletes_this_servers_list_for_moderators(
    harness: Harness,
) -> None:
    await settings(harness, "resource-add", name="Mod team", contact="https://example.org")
    await settings(harness, "resource-add", name="Peer line", contact="988")

    assert await remove_choices(harness, harness.moderator) == [
        {"name": "#1 Mod team", "value": 1},
        {"name": "#2 Peer line", "value": 2},
    ]
    assert await remove_choices(harness, harness.moderator, "peer") == [
        {"name": "#2 Peer line", "value": 2}
    ]
    assert await remove_choices(harness, harness.member) == []


async def test_resource_remove_removes_it_from_resources(harness: Harness) -> None:
    await settings(harness, "resource-add", name="Mod team", contact="https://example.org")

    reply = await settings(harness, "resource-remove", id=1)

    assert reply.content == "Removed resource #1: **Mod team**."
    assert await server_resource_names(harness) == []


async def test_resource_remove_of_an_unknown_id_is_refused(harness: Harness) -> None:
    reply = await settings(harness, "resource-remove", id=99)

    assert reply.content == (
        "This server has no resource #99. Pick one from the list as you type in `id`."
    )


async def test_resource_remove_cannot_touch_another_servers_resource(harness: Harness) -> None:
    store = harness.live.store
    theirs = await store.add_server_resource(
        424242,
        name="Their line",
        contact="988",
        description=None,
        country=None,
        added_by=1,
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
        limit=25,
    )
    assert theirs is not None

    reply = await settings(harness, "resource-remove", id=theirs.id)

    assert f"This server has no resource #{theirs.id}" in (reply.content or "")
    assert await store.server_resource(424242, theirs.id) is not None
    assert await server_resource_names(harness) == []
