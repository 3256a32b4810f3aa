"""``/schedule``: moderators add, list, pause, resume, skip, remove, post now and preview schedules.

A thin adapter: options are parsed by the transformers beside this module, the ledger and slot
arithmetic live in ``bot.scheduling``/``bot.slots``, the store is the only thing that writes.
"""

from __future__ import annotations

from datetime import time as WallTime
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ModeratorGroup
from bot.content.vocab import StarterFormat
from bot.posts import pool_for
from bot.preview import format_date, format_local, preview_schedule
from bot.scheduling import LOW_POOL_WARNING, first_slot_after
from bot.slots import next_slots
from bot.store.schedules import NewSchedule, Schedule
from bot.tree import UserFacingError
from cogs.schedule.access import missing_in_channel, refusal
from cogs.schedule.post_now import post_today_now
from cogs.schedule.render import added_reply, list_embed, preview_embed
from cogs.schedule.transformers import (
    DaysTransformer,
    ScheduleTransformer,
    TimeTransformer,
    TimezoneTransformer,
    TypesTransformer,
)

if TYPE_CHECKING:
    from bot.client import CommunityBot

Interaction = discord.Interaction[Any]
ScheduleArg = app_commands.Transform[Schedule, ScheduleTransformer]

_FORMAT_CHOICES = [app_commands.Choice(name=f.display_name, value=f.value) for f in StarterFormat]
_ID_HELP = "The schedule's number, from /schedule list"


def draft(new: NewSchedule) -> Schedule:
    """A not-yet-stored schedule, for computing its pool before it exists."""
    return Schedule(
        id=0,
        guild_id=new.guild_id,
        kind=new.kind,
        channel_id=new.channel_id,
        local_time=new.local_time,
        timezone=new.timezone,
        weekdays=new.weekdays,
        types=new.types,
        starter_format=new.starter_format,
        max_depth=new.max_depth,
        thread=new.thread,
        ping_role_id=new.ping_role_id,
        pin=new.pin,
        cycle=1,
        next_fire_at=None,
        skip_date=None,
        paused_reason=None,
        paused_by=None,
        last_message_id=None,
        low_pool_warned_cycle=0,
        removed=False,
    )


def _role_warning(role: discord.Role, channel: discord.TextChannel, me: discord.Member) -> str:
    """Discord drops a role ping silently when the role isn't mentionable by the bot."""
    if role.mentionable or channel.permissions_for(me).mention_everyone:
        return ""
    return (
        f"\nNote: {role.mention} isn't mentionable and I don't have **Mention @everyone, @here "
        "and All Roles**, so the ping won't notify anyone. Make the role mentionable or grant "
        "that permission."
    )


class Schedules(commands.Cog):
    """Moderators' schedules of daily prompts and conversation starters."""

    schedule = ModeratorGroup(
        name="schedule", description="Schedule daily prompts and conversation starters"
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    def _me(self, interaction: Interaction) -> discord.Member:
        guild = interaction.guild
        if guild is None or guild.me is None:
            raise UserFacingError("I can't see this server right now. Try again in a minute.")
        return guild.me

    def _check_channel(
        self, interaction: Interaction, channel_id: int, *, thread: bool, pin: bool
    ) -> discord.TextChannel:
        me = self._me(interaction)
        channel = me.guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(
                f"The channel <#{channel_id}> no longer exists or isn't a text channel. "
                "Remove this schedule and add a new one in another channel."
            )
        missing = missing_in_channel(channel, me, thread=thread, pin=pin)
        if missing:
            raise UserFacingError(refusal(channel.mention, missing))
        return channel

    # -- add ---------------------------------------------------------------------------------

    @schedule.command(name="add", description="Post daily prompts or starters at a local time")
    @app_commands.describe(
        kind="What to post: a daily connection prompt or a conversation starter",
        channel="The channel to post in",
        time="Local time, 24-hour HH:MM, e.g. 09:00 or 21:30",
        timezone="IANA timezone, e.g. Europe/London or America/New_York",
        days="Which days: e.g. mon,wed,fri, weekdays, weekends or daily (default: daily)",
        types="Daily prompts only: intimacy types, e.g. emotional,physical (default: all)",
        format="Starters only: one format (default: any)",
        max_depth="How personal: 1 light, 2 medium (default), 3 deep",
        thread="Open a discussion thread on each post",
        ping_role="A role to ping with each post",
        pin="Pin each post and unpin the previous one",
    )
    @app_commands.choices(format=_FORMAT_CHOICES)
    async def add(
        self,
        interaction: Interaction,
        kind: Literal["daily-prompt", "starter"],
        channel: discord.TextChannel,
        time: app_commands.Transform[WallTime, TimeTransformer],
        timezone: app_commands.Transform[ZoneInfo, TimezoneTransformer],
        days: app_commands.Transform[frozenset[int] | None, DaysTransformer] | None = None,
        types: app_commands.Transform[tuple[str, ...], TypesTransformer] | None = None,
        format: str | None = None,
        max_depth: app_commands.Range[int, 1, 3] = 2,
        thread: bool = False,
        ping_role: discord.Role | None = None,
        pin: bool = False,
    ) -> None:
        if kind == "starter" and types is not None:
            raise UserFacingError(
                "`types` is for daily prompts; starters are all intellectual. "
                "Leave `types` out, or use `format` to choose a kind of starter."
            )
        if kind == "daily-prompt" and format is not None:
            raise UserFacingError(
                "`format` is for conversation starters. For daily prompts, leave `format` out "
                "and use `types` (e.g. emotional,physical) to choose what is posted."
            )
        if ping_role is not None and ping_role.is_default():
            raise UserFacingError(
                "@everyone can't be the ping role. Create a role members can opt into "
                "(e.g. @daily-prompts) and choose that."
            )
        assert interaction.guild_id is not None
        target = self._check_channel(interaction, channel.id, thread=thread, pin=pin)
        new = NewSchedule(
            guild_id=interaction.guild_id,
            kind=kind,
            channel_id=target.id,
            local_time=f"{time:%H:%M}",
            timezone=timezone.key,
            weekdays=days,
            types=types,
            starter_format=format,
            max_depth=max_depth,
            thread=thread,
            ping_role_id=ping_role.id if ping_role else None,
            pin=pin,
            created_by=interaction.user.id,
        )
        pool = set(await pool_for(self.bot, draft(new)))
        if not pool:
            raise UserFacingError(
                "Nothing matches those filters, so there would be nothing to post. Try a higher "
                "`max_depth`, more `types`, or add the server's own prompts with `/deck add`."
            )
        slots = next_slots(self.bot.clock.now(), time, timezone, days, 3)
        stored = await self.bot.store.create_schedule(new, slots[0].fire_at)
        text = added_reply(stored, slots, len(pool))
        if len(pool) < LOW_POOL_WARNING:
            text += (
                f"\nOnly {len(pool)} match, so they will start repeating within "
                f"{len(pool)} posts. Add more with `/deck add`."
            )
        if ping_role is not None:
            text += _role_warning(ping_role, target, self._me(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    # -- list --------------------------------------------------------------------------------

    @schedule.command(name="list", description="Every schedule in this server, with its status")
    @app_commands.describe(page="Which page, when there are many schedules")
    async def list_(
        self, interaction: Interaction, page: app_commands.Range[int, 1, 100] = 1
    ) -> None:
        assert interaction.guild_id is not None
        schedules = await self.bot.store.list_schedules(interaction.guild_id)
        embed = list_embed(schedules, self.bot.clock.now(), page)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # -- pause / resume / skip / remove ------------------------------------------------------

    @schedule.command(name="pause", description="Stop a schedule posting until it is resumed")
    @app_commands.describe(schedule=_ID_HELP, reason="Why (shown in /schedule list)")
    @app_commands.rename(schedule="id")
    async def pause(
        self,
        interaction: Interaction,
        schedule: ScheduleArg,
        reason: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        if schedule.paused_reason is not None:
            raise UserFacingError(
                f"Schedule #{schedule.id} is already paused ({schedule.paused_reason}). "
                f"Use `/schedule resume id:{schedule.id}` to start it again."
            )
        by = f"by {interaction.user.mention}"
        why = f"{reason} ({by})" if reason else by
        await self.bot.store.pause_schedule(schedule.id, why, "moderator")
        await interaction.response.send_message(
            f"Paused schedule #{schedule.id}. Nothing is posted until "
            f"`/schedule resume id:{schedule.id}`; posts missed meanwhile are not made up later.",
            ephemeral=True,
        )

    @schedule.command(name="resume", description="Start a paused schedule again")
    @app_commands.describe(schedule=_ID_HELP)
    @app_commands.rename(schedule="id")
    async def resume(self, interaction: Interaction, schedule: ScheduleArg) -> None:
        if schedule.paused_reason is None:
            raise UserFacingError(f"Schedule #{schedule.id} isn't paused.")
        self._check_channel(
            interaction, schedule.channel_id, thread=schedule.thread, pin=schedule.pin
        )
        next_fire = first_slot_after(schedule, self.bot.clock.now())
        await self.bot.store.resume_schedule(schedule.id, next_fire)
        # A later failure should be reported again.
        await self.bot.store.forget_notice(schedule.guild_id, f"paused:{schedule.id}")
        zone = ZoneInfo(schedule.timezone)
        await interaction.response.send_message(
            f"Resumed schedule #{schedule.id}. Its next post is {format_local(next_fire, zone)} "
            f"({discord.utils.format_dt(next_fire, 'F')}).",
            ephemeral=True,
        )

    @schedule.command(name="skip", description="Skip a schedule's next post (just that one)")
    @app_commands.describe(schedule=_ID_HELP)
    @app_commands.rename(schedule="id")
    async def skip(self, interaction: Interaction, schedule: ScheduleArg) -> None:
        if schedule.paused_reason is not None or schedule.next_fire_at is None:
            raise UserFacingError(
                f"Schedule #{schedule.id} is paused, so it posts nothing to skip. "
                "Resume it first if you want to skip its next post."
            )
        zone = ZoneInfo(schedule.timezone)
        day = schedule.next_fire_at.astimezone(zone).date()
        if schedule.skip_date == day:
            raise UserFacingError(
                f"The post on {format_date(day)} is already being skipped. Only the next post "
                f"can be skipped; use `/schedule pause id:{schedule.id}` to stop it for longer."
            )
        await self.bot.store.set_skip_date(schedule.id, day)
        after = first_slot_after(schedule, schedule.next_fire_at)
        await interaction.response.send_message(
            f"Schedule #{schedule.id} will skip its post on {format_date(day)} "
            f"({format_local(schedule.next_fire_at, zone)}). The post after that is "
            f"{format_local(after, zone)} ({discord.utils.format_dt(after, 'F')}).",
            ephemeral=True,
        )

    @schedule.command(name="remove", description="Delete a schedule (its history is kept)")
    @app_commands.describe(schedule=_ID_HELP)
    @app_commands.rename(schedule="id")
    async def remove(self, interaction: Interaction, schedule: ScheduleArg) -> None:
        await self.bot.store.remove_schedule(schedule.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"Removed schedule #{schedule.id} ({schedule.kind} in <#{schedule.channel_id}>). "
            "It won't post again.",
            ephemeral=True,
        )

    # -- post-now / preview ------------------------------------------------------------------

    @schedule.command(name="post-now", description="Post today's post of a schedule right now")
    @app_commands.describe(schedule=_ID_HELP)
    @app_commands.rename(schedule="id")
    async def post_now(self, interaction: Interaction, schedule: ScheduleArg) -> None:
        if schedule.paused_reason is not None:
            raise UserFacingError(
                f"Schedule #{schedule.id} is paused ({schedule.paused_reason}). "
                f"Resume it with `/schedule resume id:{schedule.id}` first."
            )
        self._check_channel(
            interaction, schedule.channel_id, thread=schedule.thread, pin=schedule.pin
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await post_today_now(self.bot, schedule, self.bot.clock.now())
        await interaction.followup.send(result.text, ephemeral=True)

    @schedule.command(name="preview", description="What a schedule would post when; posts nothing")
    @app_commands.describe(schedule=_ID_HELP, days="How many days ahead (default 7)")
    @app_commands.rename(schedule="id")
    async def preview(
        self,
        interaction: Interaction,
        schedule: ScheduleArg,
        days: app_commands.Range[int, 1, 14] = 7,
    ) -> None:
        now = self.bot.clock.now()
        result = await preview_schedule(self.bot, schedule, now, days)
        await interaction.response.send_message(embed=preview_embed(result, days), ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Schedules(bot))
