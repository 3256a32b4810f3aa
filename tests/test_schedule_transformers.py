"""``/schedule`` option parsing: what a moderator who types a bad value reads, what is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import discord
import pytest
from discord import app_commands

from bot.store import Store
from bot.store.schedules import NewSchedule
from bot.tree import UserFacingError, describe_expected
from cogs.schedule import Schedules
from cogs.schedule.access import missing_permissions, refusal
from cogs.schedule.transformers import (
    DaysTransformer,
    ScheduleTransformer,
    TimezoneTransformer,
    TypesTransformer,
    parse_types,
    schedule_label,
)

NOBODY = cast(discord.Interaction[Any], None)


def add_parameter(name: str) -> app_commands.transformers.CommandParameter:
    """The real ``/schedule add`` option, as discord.py built it from the signature."""
    command = Schedules.schedule.get_command("add")
    assert isinstance(command, app_commands.Command)
    return command._params[name]


async def message_for(name: str, value: str) -> str:
    """What the tree's error handler would tell the moderator for ``value``."""
    with pytest.raises(app_commands.TransformerError) as caught:
        await add_parameter(name).transform(NOBODY, value)
    text = describe_expected(caught.value)
    assert text is not None
    return text


# -- time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"), [("09:00", time(9)), ("9:05", time(9, 5)), (" 21:30 ", time(21, 30))]
)
async def test_time_accepts_24_hour_times(typed: str, expected: time) -> None:
    assert await add_parameter("time").transform(NOBODY, typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "12:60", "noon", "9", "0900", ""])
async def test_a_bad_time_says_what_to_type(typed: str) -> None:
    text = await message_for("time", typed)
    assert "24-hour HH:MM" in text
    assert "09:00" in text


async def test_a_12_hour_time_gets_the_24_hour_spelling() -> None:
    text = await message_for("time", "9pm")
    assert "'9pm'" in text
    assert "21:00" in text


# -- timezone --------------------------------------------------------------------------------


async def test_timezone_is_case_insensitive_and_canonical() -> None:
    zone = await add_parameter("timezone").transform(NOBODY, "europe/london")
    assert zone == ZoneInfo("Europe/London")
    assert zone.key == "Europe/London"


async def test_an_unknown_timezone_suggests_close_matches() -> None:
    text = await message_for("timezone", "Europe/Londn")
    assert "'Europe/Londn'" in text
    assert "Europe/London" in text
    assert "IANA" in text


async def test_a_fixed_offset_abbreviation_is_refused_with_a_place() -> None:
    text = await message_for("timezone", "EST")
    assert "America/New_York" in text
    assert "daylight saving" in text


async def test_timezone_autocomplete_offers_iana_names() -> None:
    choices = await TimezoneTransformer().autocomplete(NOBODY, "lond")
    assert choices[0].value == "Europe/London"
    assert all(c.name == c.value for c in choices)
    assert len(await TimezoneTransformer().autocomplete(NOBODY, "")) <= 25


# -- days ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("weekdays", frozenset(range(5))),
        ("Weekends", frozenset({5, 6})),
        ("daily", None),
        ("mon-sun", None),
    ],
)
async def test_days_parse_to_weekday_numbers(typed: str, expected: frozenset[int] | None) -> None:
    assert await add_parameter("days").transform(NOBODY, typed) == expected


async def test_an_unknown_day_names_the_bad_word() -> None:
    text = await message_for("days", "mon,funday")
    assert "'funday'" in text
    assert "mon,wed,fri" in text


async def test_days_autocomplete_normalises_what_was_typed() -> None:
    choices = await DaysTransformer().autocomplete(NOBODY, "Friday, Monday")
    assert choices[0].value == "mon,fri"
    everything = await DaysTransformer().autocomplete(NOBODY, "")
    assert {c.value for c in everything} >= {"daily", "weekdays", "weekends"}


# -- types -----------------------------------------------------------------------------------


def test_types_are_canonical_and_deduplicated() -> None:
    assert parse_types("Physical, emotional,physical") == ("emotional", "physical")


async def test_an_unknown_type_names_it_and_lists_the_four() -> None:
    text = await message_for("types", "emotional,spiritual")
    assert "'spiritual'" in text
    for name in ("emotional", "intellectual", "experiential", "physical"):
        assert name in text


async def test_an_empty_types_list_is_refused() -> None:
    assert "No intimacy types" in await message_for("types", " , ")


async def test_types_autocomplete_extends_the_last_word() -> None:
    choices = await TypesTransformer().autocomplete(NOBODY, "emotional,ph")
    assert [c.value for c in choices] == ["emotional,physical"]
    first = await TypesTransformer().autocomplete(NOBODY, "")
    assert len(first) == 4


# -- schedule ids ----------------------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "db.sqlite3")
    yield opened
    await opened.close()


def interaction_in(store: Store, guild_id: int, *, moderator: bool = True) -> Any:
    return SimpleNamespace(
        client=SimpleNamespace(store=store),
        guild_id=guild_id,
        guild=None,
        permissions=discord.Permissions(manage_guild=moderator),
    )


async def add_schedule(store: Store, guild_id: int, at: str = "09:00") -> int:
    new = NewSchedule(
        guild_id=guild_id, kind="daily-prompt", channel_id=5, local_time=at, timezone="UTC"
    )
    return (await store.create_schedule(new, datetime(2030, 1, 1, tzinfo=UTC))).id


async def test_an_id_resolves_only_in_its_own_server(store: Store) -> None:
    mine = await add_schedule(store, guild_id=1)
    theirs = await add_schedule(store, guild_id=2)
    transformer = ScheduleTransformer()
    found = await transformer.transform(interaction_in(store, 1), mine)
    assert found.id == mine
    with pytest.raises(UserFacingError) as caught:
        await transformer.transform(interaction_in(store, 1), theirs)
    assert str(caught.value) == (
        f"There's no schedule #{theirs} in this server. `/schedule list` shows them."
    )


async def test_a_removed_schedule_is_not_found(store: Store) -> None:
    gone = await add_schedule(store, guild_id=1)
    await store.remove_schedule(gone, datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(UserFacingError, match=f"no schedule #{gone}"):
        await ScheduleTransformer().transform(interaction_in(store, 1), gone)


async def test_id_autocomplete_lists_this_servers_schedules(store: Store) -> None:
    first = await add_schedule(store, guild_id=1, at="09:00")
    second = await add_schedule(store, guild_id=1, at="21:30")
    await add_schedule(store, guild_id=2)
    transformer = ScheduleTransformer()
    choices = await transformer.autocomplete(interaction_in(store, 1), "")
    assert [c.value for c in choices] == [first, second]
    assert choices[0].name == f"#{first} daily-prompt 09:00 UTC"
    narrowed = await transformer.autocomplete(interaction_in(store, 1), "21:30")
    assert [c.value for c in narrowed] == [second]
    assert await transformer.autocomplete(interaction_in(store, 1, moderator=False), "") == []


async def test_schedule_label_fits_a_choice_name(store: Store) -> None:
    schedule = await store.get_schedule(await add_schedule(store, guild_id=1))
    assert schedule is not None
    assert schedule_label(schedule, "general").endswith(" in #general")
    assert len(schedule_label(schedule, "x" * 200)) == 100


# -- channel permissions ---------------------------------------------------------------------


def test_posting_needs_view_send_embed_and_history() -> None:
    everything = discord.Permissions.all()
    assert missing_permissions(everything, thread=True, pin=True) == []
    no_embeds = discord.Permissions.all()
    no_embeds.embed_links = False
    assert missing_permissions(no_embeds, thread=False, pin=False) == ["Embed Links"]


def test_threads_and_pins_are_needed_only_when_asked_for() -> None:
    basic = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    )
    assert missing_permissions(basic, thread=False, pin=False) == []
    assert missing_permissions(basic, thread=True, pin=True) == [
        "Create Public Threads",
        "Pin Messages",
    ]


def test_the_refusal_names_the_channel_and_the_permissions() -> None:
    text = refusal("<#5>", ["Send Messages", "Embed Links"])
    assert "<#5>" in text
    assert "**Send Messages**, **Embed Links**" in text
