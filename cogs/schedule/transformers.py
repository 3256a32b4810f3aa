"""Slash-command option parsers for ``/schedule``: a bad value never reaches the command body.

Each transformer raises an error whose text tells the moderator what to type instead; the tree's
one error handler sends it ephemerally.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.checks import is_moderator
from bot.content.vocab import IntimacyType
from bot.slots import (
    ScheduleInputError,
    format_weekdays,
    parse_hhmm,
    parse_timezone,
    parse_weekdays,
    timezone_choices,
)
from bot.store.schedules import Schedule
from bot.tree import UserFacingError

if TYPE_CHECKING:
    from bot.client import CommunityBot

_CHOICE_NAME_MAX = 100
_TYPES_HELP = (
    "use intimacy types separated by commas, e.g. emotional,physical "
    f"(choose from {', '.join(t.value for t in IntimacyType)})"
)


def no_schedule(schedule_id: int) -> UserFacingError:
    """The one message for an id that is not a schedule of this server."""
    return UserFacingError(
        f"There's no schedule #{schedule_id} in this server. `/schedule list` shows them."
    )


class TimeTransformer(app_commands.Transformer[Any]):
    """A 24-hour HH:MM wall-clock time."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> time:
        return parse_hhmm(str(value))


class TimezoneTransformer(app_commands.Transformer[Any]):
    """An IANA timezone name, autocompleted; an unknown name suggests close matches."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> ZoneInfo:
        return parse_timezone(str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in timezone_choices(str(value))]


class DaysTransformer(app_commands.Transformer[Any]):
    """Weekday names ("mon,wed,fri", "weekdays", "weekends", "daily"); None means every day."""

    async def transform(
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> frozenset[int] | None:
        return parse_weekdays(str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> list[app_commands.Choice[str]]:
        suggestions = ["daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "sat", "sun"]
        typed = str(value).strip()
        if typed:
            try:
                normalised = format_weekdays(parse_weekdays(typed))
            except ScheduleInputError:
                normalised = ""
            suggestions = [s for s in suggestions if s.startswith(typed.lower())]
            if normalised and normalised not in suggestions:
                suggestions.insert(0, normalised)
        return [app_commands.Choice(name=s, value=s) for s in suggestions]


def parse_types(text: str) -> tuple[str, ...]:
    """A comma list of intimacy types, in canonical order, without repeats."""
    wanted: set[IntimacyType] = set()
    unknown: list[str] = []
    for token in text.replace(";", ",").replace(" ", ",").split(","):
        token = token.strip().lower()
        if not token:
            continue
        try:
            wanted.add(IntimacyType(token))
        except ValueError:
            unknown.append(token)
    if unknown:
        names = ", ".join(f"'{t[:20]}'" for t in dict.fromkeys(unknown))
        raise ScheduleInputError(f"{names} isn't an intimacy type: {_TYPES_HELP}.")
    if not wanted:
        raise ScheduleInputError(f"No intimacy types given: {_TYPES_HELP}.")
    return tuple(t.value for t in IntimacyType if t in wanted)


class TypesTransformer(app_commands.Transformer[Any]):
    """A comma list of intimacy types; autocomplete extends the last word typed."""

    async def transform(
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> tuple[str, ...]:
        return parse_types(str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> list[app_commands.Choice[str]]:
        done, _, last = str(value).lower().replace(" ", "").rpartition(",")
        chosen = [t for t in done.split(",") if t]
        options = [
            ",".join([*chosen, t.value])
            for t in IntimacyType
            if t.value.startswith(last) and t.value not in chosen
        ]
        if not last and chosen:
            options.insert(0, ",".join(chosen))
        return [app_commands.Choice(name=o, value=o) for o in options[:25]]


def schedule_label(schedule: Schedule, channel_name: str | None) -> str:
    """ "#3 daily-prompt 09:00 Europe/London in #general", cut to Discord's choice limit."""
    where = f" in #{channel_name}" if channel_name else ""
    paused = " (paused)" if schedule.paused_reason else ""
    label = (
        f"#{schedule.id} {schedule.kind} {schedule.local_time} {schedule.timezone}{where}{paused}"
    )
    return label[:_CHOICE_NAME_MAX]


class ScheduleTransformer(app_commands.Transformer[Any]):
    """A schedule id of this server, autocompleted; resolves to the stored ``Schedule``."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Schedule:
        bot: CommunityBot = interaction.client
        schedule_id = int(value)
        schedule = await bot.store.get_schedule(schedule_id, interaction.guild_id)
        if schedule is None or schedule.removed:
            raise no_schedule(schedule_id)
        return schedule

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: int | float | str, /
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        bot: CommunityBot = interaction.client
        typed = str(value).strip().lstrip("#").lower()
        choices: list[app_commands.Choice[int]] = []
        guild = interaction.guild
        for schedule in await bot.store.list_schedules(interaction.guild_id):
            channel = guild.get_channel(schedule.channel_id) if guild else None
            label = schedule_label(schedule, channel.name if channel else None)
            if typed and not (str(schedule.id).startswith(typed) or typed in label.lower()):
                continue
            choices.append(app_commands.Choice(name=label, value=schedule.id))
            if len(choices) == 25:
                break
        return choices
