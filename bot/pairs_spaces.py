"""Pair spaces on Discord: a private thread per group (members added, an intro), else DMs.

Every step is recorded as soon as it is done (thread id, member added, intro sent), so a pass
after a crash carries on where the last one stopped. The one step that cannot be recorded
atomically is creating the thread: the id is stored right after the request returns, and a
group that an earlier process may have made a thread for first looks for a thread of its exact
name (active threads of the server, archived private threads of the channel) and adopts it.
Messages carry nonces derived from the group, so a retried send does not post twice.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import aiohttp
import discord

from bot.notices import notify_moderators
from bot.slots import slot_nonce
from bot.store.pairs import PairGroup, PairingConfig

if TYPE_CHECKING:
    from bot.client import CommunityBot
    from bot.pacing import Pacer

log = logging.getLogger(__name__)

# A week: the longest Discord allows; the weekly check-in posts keep the thread open.
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
# Discord errors that mean "no private threads here" until a moderator changes something.
_NO_THREADS = {
    10003: "the pairing channel no longer exists",
    50001: "I can't see the pairing channel (missing **View Channel**)",
    50013: "I'm missing a permission there (**Create Private Threads**, **Send Messages in "
    "Threads** or **Manage Threads**)",
    50024: "private threads aren't possible in that kind of channel",
}
_UNKNOWN_CHANNEL = 10003
_UNKNOWN_MEMBER_CODES = {10007, 10013}  # the member or user is gone
_THREAD_ARCHIVED = 50083
NEEDED_PERMISSIONS = (
    ("view_channel", "View Channel"),
    ("create_private_threads", "Create Private Threads"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("manage_threads", "Manage Threads"),
    ("read_message_history", "Read Message History"),
)
ONLY_USERS = discord.AllowedMentions(everyone=False, users=True, roles=False, replied_user=False)
NO_MENTIONS = discord.AllowedMentions.none()


def thread_name(group_id: int) -> str:
    """The private thread's name: also how a crashed run's thread is found again."""
    return f"Pair #{group_id} check-ins"


def member_list(user_ids: tuple[int, ...] | list[int]) -> str:
    """ "<@1>, <@2> and <@3>": mentions, which Discord shows as each viewer's display name."""
    mentions = [f"<@{user_id}>" for user_id in user_ids]
    if len(mentions) < 2:
        return "".join(mentions)
    return f"{', '.join(mentions[:-1])} and {mentions[-1]}"


class NoPrivateThreads(Exception):
    """Private pair threads are impossible in this server; ``str()`` says why."""


class PairSpaces:
    """Makes and finishes the spaces of one server's groups; announces early ends."""

    def __init__(self, bot: CommunityBot, pacer: Pacer) -> None:
        self.bot = bot
        self.pacer = pacer
        # Groups no earlier process can have made a thread for (made by this one, or looked up).
        self.fresh: set[int] = set()
        # A group whose space keeps failing waits 1, 2, 4 ... 60 minutes between tries.
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, datetime] = {}

    def _due(self, group_id: int) -> bool:
        retry_at = self._retry_at.get(group_id)
        return retry_at is None or self.bot.clock.now() >= retry_at

    def _failed(self, group_id: int) -> None:
        failures = self._failures.get(group_id, 0) + 1
        self._failures[group_id] = failures
        wait = timedelta(minutes=min(60, 2 ** (failures - 1)))
        self._retry_at[group_id] = self.bot.clock.now() + wait

    def _succeeded(self, group_id: int) -> None:
        self._failures.pop(group_id, None)
        self._retry_at.pop(group_id, None)

    # -- one pass ----------------------------------------------------------------------------

    async def run(self, guild_id: int) -> None:
        """Announce early ends, then make or finish every live group's space."""
        for ended in await self.bot.store.ended_groups_to_notify(guild_id):
            if not self._due(ended.id):
                continue
            try:
                await self._announce_end(ended)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("group %s: end not announced yet (%s); will retry", ended.id, exc)
                self._failed(ended.id)
            else:
                self._succeeded(ended.id)
        config = await self.bot.store.get_pairing_config(guild_id)
        if config is None:
            return
        finder = _ExistingThreads(self, guild_id, config.channel_id)
        for group in await self.bot.store.groups_needing_space(guild_id, self.bot.clock.now()):
            if not self._due(group.id):
                continue
            try:
                if group.use_dms or (group.thread_id is None and config.use_dms):
                    await self._dm_space(group)
                else:
                    try:
                        await self._thread_space(group, config, finder)
                    except NoPrivateThreads as why:
                        config = await self._fall_back_to_dms(config, str(why))
                        refreshed = await self.bot.store.get_pair_group(group.id)
                        if refreshed is not None:
                            await self._dm_space(refreshed)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                # Left unfinished: a later tick carries on from what was recorded.
                log.warning("group %s: space not finished yet (%s); will retry", group.id, exc)
                self._failed(group.id)
            else:
                self._succeeded(group.id)

    # -- threads -----------------------------------------------------------------------------

    async def _thread_space(
        self, group: PairGroup, config: PairingConfig, finder: _ExistingThreads
    ) -> None:
        thread_id = group.thread_id
        created = False
        if thread_id is None:
            if group.id not in self.fresh:
                thread_id = await finder.find(thread_name(group.id))
                if thread_id is not None:
                    await self.bot.store.set_group_thread(group.id, thread_id)
                    log.info("group %s: adopted thread %s from an earlier run", group.id, thread_id)
                self.fresh.add(group.id)
            if thread_id is None:
                thread_id = await self._create_thread(group, config)
                created = True
        try:
            await self._fill_thread(group, thread_id, created)
        except discord.NotFound as exc:
            if exc.code != _UNKNOWN_CHANNEL:
                raise
            log.warning("group %s: thread %s is gone; making a new one", group.id, thread_id)
            await self.bot.store.reset_group_space(group.id)
            self.fresh.add(group.id)
        except discord.Forbidden as exc:
            raise NoPrivateThreads(_NO_THREADS.get(exc.code, _NO_THREADS[50013])) from exc

    async def _create_thread(self, group: PairGroup, config: PairingConfig) -> int:
        channel = self.bot.get_channel(config.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise NoPrivateThreads(
                f"the pairing channel <#{config.channel_id}> no longer exists or isn't a text "
                "channel"
            )
        # Until the id is stored, a failed or cut-off request may still have made the thread.
        self.fresh.discard(group.id)
        try:
            async with self.pacer:
                thread = await channel.create_thread(
                    name=thread_name(group.id),
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise NoPrivateThreads(_NO_THREADS.get(exc.code, _NO_THREADS[50013])) from exc
        except discord.HTTPException as exc:
            if exc.code == 50024:
                raise NoPrivateThreads(_NO_THREADS[50024]) from exc
            raise
        await self.bot.store.set_group_thread(group.id, thread.id)
        self.fresh.add(group.id)
        log.info("group %s: made private thread %s", group.id, thread.id)
        return thread.id

    async def _fill_thread(self, group: PairGroup, thread_id: int, created: bool) -> None:
        """Add whoever is not in the thread yet; post the intro (or greet a newcomer)."""
        thread = self.bot.get_partial_messageable(thread_id, guild_id=group.guild_id)
        waiting = [m.user_id for m in group.members if not m.added]
        for user_id in waiting:
            await self._add_to_thread(thread_id, user_id)
            if group.intro_sent:  # a newcomer joining a running pairing
                await self._send(thread, self._intro(group), slot_nonce("pj", group.id, user_id))
                await self.bot.store.mark_group_member_added(group.id, user_id)
        if not group.intro_sent:
            intro = self._intro(group, weeks=group.term_weeks)
            if created or not await self._posted_already(thread, intro):
                await self._send(thread, intro, slot_nonce("pi", group.id))
            await self.bot.store.mark_group_intro_sent(group.id, group.user_ids)
            log.info("group %s: intro posted in thread %s", group.id, thread_id)

    async def _add_to_thread(self, thread_id: int, user_id: int) -> None:
        for attempt in range(2):
            try:
                async with self.pacer:
                    await self.bot.http.add_user_to_thread(thread_id, user_id)
                return
            except discord.NotFound as exc:
                if exc.code not in _UNKNOWN_MEMBER_CODES:
                    raise
                log.warning("thread %s: member %s is no longer in the server", thread_id, user_id)
                return
            except discord.HTTPException as exc:
                if exc.code != _THREAD_ARCHIVED or attempt:
                    raise
                async with self.pacer:
                    await self.bot.http.edit_channel(thread_id, archived=False)

    async def _posted_already(self, thread: discord.PartialMessageable, text: str) -> bool:
        """Whether an earlier run posted ``text`` in the thread before it could record it."""
        me = self.bot.user.id if self.bot.user else None
        try:
            async with self.pacer:
                history = [m async for m in thread.history(limit=50)]
        except discord.HTTPException as exc:
            log.warning("thread %s: could not read its history (%s)", thread.id, exc)
            return False
        return any(m.author.id == me and m.content == text for m in history)

    async def _send(self, channel: discord.abc.Messageable, text: str, nonce: str) -> None:
        async with self.pacer:
            await channel.send(text, nonce=nonce, allowed_mentions=ONLY_USERS)

    def _intro(self, group: PairGroup, *, weeks: int | None = None) -> str:
        if weeks is None:  # a newcomer: the weeks left of the term
            left = group.ends_at - self.bot.clock.now()
            weeks = max(1, -(-left.days // 7))
        return self.bot.content.flow_texts.render(
            "intro", members=member_list(group.user_ids), weeks=weeks
        )

    # -- DMs ---------------------------------------------------------------------------------

    async def _fall_back_to_dms(self, config: PairingConfig, why: str) -> PairingConfig:
        await self.bot.store.use_dms_for_pairing(config.guild_id)
        log.warning("guild %s: no private pair threads (%s); using DMs", config.guild_id, why)
        await notify_moderators(
            self.bot,
            config.guild_id,
            f"pairing-dms:{config.guild_id}",
            f"I can't make private pair threads in <#{config.channel_id}>: {why}. Until that is "
            "fixed, pairs get their intro and check-ins by direct message instead. To fix it, "
            "give my role **View Channel**, **Create Private Threads**, **Send Messages in "
            "Threads**, **Manage Threads** and **Read Message History** in that channel, then "
            "run `/pairing setup` again.",
        )
        return replace(config, use_dms=True)

    async def _dm_space(self, group: PairGroup) -> None:
        if not group.use_dms:
            await self.bot.store.set_group_dms(group.id)
            refreshed = await self.bot.store.get_pair_group(group.id)
            if refreshed is None:
                return
            group = refreshed
        guild = self.bot.get_guild(group.guild_id)
        where = discord.utils.escape_mentions(guild.name) if guild else "your server"
        text = (
            f"*From **{where}**: private threads aren't available there, so your pairing space "
            f"is here in direct messages.*\n\n{self._intro(group)}"
        )
        for member in group.members:
            if member.added:
                continue
            await self._dm(
                group.guild_id, member.user_id, text, slot_nonce("pd", group.id, member.user_id)
            )
            await self.bot.store.mark_group_member_added(group.id, member.user_id)
        await self.bot.store.mark_group_intro_sent(group.id, ())
        log.info("group %s: intro sent by DM", group.id)

    async def _dm(self, guild_id: int, user_id: int, text: str, nonce: str) -> None:
        """DM one member; closed DMs are logged and the moderators told once, never raised."""
        try:
            async with self.pacer:
                channel = await self.bot.create_dm(discord.Object(id=user_id))
            async with self.pacer:
                await channel.send(text, nonce=nonce, allowed_mentions=ONLY_USERS)
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("guild %s: could not DM a pair member (%s)", guild_id, exc)
            await notify_moderators(
                self.bot,
                guild_id,
                f"pairing-dm-failed:{guild_id}",
                "I couldn't send a pairing message by direct message to at least one member: "
                "they may have turned off DMs from server members. They stay in their pairing; "
                "`/pairs status` shows them who they are paired with. Private pair threads avoid "
                "this: see `/pairing setup`.",
            )

    # -- early ends --------------------------------------------------------------------------

    async def _announce_end(self, group: PairGroup) -> None:
        """Tell the group only that it ended: never who ended it or why."""
        text = self.bot.content.flow_texts.render("pairing_ended")
        if group.thread_id is not None:
            thread = self.bot.get_partial_messageable(group.thread_id, guild_id=group.guild_id)
            try:
                async with self.pacer:
                    await thread.send(
                        text, nonce=slot_nonce("pe", group.id), allowed_mentions=NO_MENTIONS
                    )
            except (discord.Forbidden, discord.NotFound) as exc:
                log.warning("group %s: could not post the end in its thread (%s)", group.id, exc)
            else:
                await self._close_thread(group.thread_id)
        elif group.use_dms:
            told = await self.bot.store.active_pair_member_ids(group.guild_id, group.user_ids)
            for user_id in sorted(told):
                await self._dm(group.guild_id, user_id, text, slot_nonce("pe", group.id, user_id))
        await self.bot.store.mark_group_end_notified(group.id)
        log.info("group %s: end announced", group.id)

    async def _close_thread(self, thread_id: int) -> None:
        """Archive and lock an ended pairing's thread: it stays readable, nobody posts there."""
        try:
            async with self.pacer:
                await self.bot.http.edit_channel(thread_id, archived=True, locked=True)
        except discord.Forbidden:
            try:
                async with self.pacer:
                    await self.bot.http.edit_channel(thread_id, archived=True)
            except discord.HTTPException as exc:
                log.warning("thread %s: could not archive it (%s)", thread_id, exc)
        except discord.HTTPException as exc:
            log.warning("thread %s: could not archive it (%s)", thread_id, exc)


class _ExistingThreads:
    """Threads this bot owns in the pairing channel, by name; fetched once per pass, lazily."""

    def __init__(self, spaces: PairSpaces, guild_id: int, channel_id: int) -> None:
        self.spaces = spaces
        self.guild_id = guild_id
        self.channel_id = channel_id
        self._by_name: dict[str, int] | None = None

    async def find(self, name: str) -> int | None:
        if self._by_name is None:
            self._by_name = await self._load()
        return self._by_name.get(name)

    async def _load(self) -> dict[str, int]:
        bot, pacer = self.spaces.bot, self.spaces.pacer
        me = bot.user.id if bot.user else None
        found: list[discord.Thread] = []
        guild = bot.get_guild(self.guild_id)
        if guild is not None:
            try:
                async with pacer:
                    found += await guild.active_threads()
            except discord.HTTPException as exc:
                log.warning("guild %s: could not list active threads (%s)", self.guild_id, exc)
        channel = bot.get_channel(self.channel_id)
        if isinstance(channel, discord.TextChannel):
            try:
                async with pacer:
                    found += [t async for t in channel.archived_threads(private=True, limit=100)]
            except discord.HTTPException as exc:
                log.info("channel %s: no archived private threads (%s)", self.channel_id, exc)
        by_name: dict[str, int] = {}
        for thread in found:
            if thread.parent_id == self.channel_id and thread.owner_id == me:
                by_name.setdefault(thread.name, thread.id)
        return by_name
