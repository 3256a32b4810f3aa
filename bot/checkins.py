"""The check-in engine: each pair's weekly questions, reminder, reveal and follow-up, exactly once.

Every minute ``tick`` purges answers 7 days past their reveal, cancels weeks of pairings that
ended early (their answers are deleted unrevealed), claims the week each live group is due (the
``checkin_weeks`` row is the claim), then advances every week with a step to do. A step is
claimed in the database before anything is posted and marked done after; a step claimed by an
earlier run (a crash in between) first looks in the space for the message that run may already
have posted, found by the marker in its footer, so nothing is posted twice.

Answers are shown only when every member has answered (``submit`` claims that reveal at once) or
when the week closes; then the "did you connect?" follow-up goes out.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import aiohttp
import discord

from bot.checkin_flow import (
    ANSWERS,
    FOLLOW_UP,
    QUESTIONS,
    REMINDER,
    REMINDER_DAYS,
    due_week,
    marker,
    nonce_word,
    pack_sizes,
    part_kind,
    question_count,
    question_seed,
    reminder_time,
    week_window,
)
from bot.content import CheckinQuestion, FlowKey, checkin_questions
from bot.embeds import EMBEDS_PER_MESSAGE, MESSAGE_EMBED_TOTAL, truncate
from bot.pacing import Pacer
from bot.slots import slot_nonce
from bot.store.checkins import AnswerOutcome, CheckinGroup, CheckinWeek, MemberAnswer

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

COLOUR = 0x8E7CC3
NOT_ANSWERED_LINE = "Not answered this week."
UNKNOWN_MEMBER = "A member of this pairing"
# Recent messages searched for our own post after a crash; a pair's space is quiet.
HISTORY_LIMIT = 100


class CheckinViews(Protocol):
    """The buttons under each kind of post; the cog supplies its persistent items."""

    def questions(self, group_id: int, week: int) -> discord.ui.View: ...

    def reminder(self, group_id: int, week: int) -> discord.ui.View: ...

    def followup(self, group_id: int, week: int) -> discord.ui.View: ...


class PairingUnavailable(RuntimeError):
    """The pairing engine is not loaded, so a pairing cannot be ended now."""


@dataclass(slots=True)
class CheckinTickReport:
    """What one tick did, for logs and tests."""

    opened: int = 0
    cancelled: int = 0
    purged: int = 0
    advancing: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    """One message of a step: what to send and the marker that identifies it afterwards."""

    marker: str
    nonce: str
    embeds: list[discord.Embed]
    content: str | None
    view: discord.ui.View | None
    mentions: discord.AllowedMentions


class CheckinEngine:
    """Opens, reminds, reveals and closes every pair's weekly check-in."""

    def __init__(self, bot: CommunityBot, views: CheckinViews, *, pacer: Pacer | None = None):
        self.bot = bot
        self.views = views
        # Share the delivery engine's pacing queue: one budget for every scheduled request.
        self.pacer = pacer or bot.engine.pacer
        self._tick_lock = asyncio.Lock()
        self._running: dict[int, asyncio.Task[None]] = {}  # by group
        self._again: set[int] = set()
        # Steps this process claimed (and has not failed): only these may skip the history check.
        self._claimed_here: set[tuple[int, int, str]] = set()

    # -- the Ticker protocol ----------------------------------------------------------------

    async def start(self) -> None:
        """At start-up: finish what a previous run left, then catch up."""
        await self.tick()

    async def tick(self) -> CheckinTickReport:
        """Purge, cancel, open due weeks, and start every week's pending steps."""
        async with self._tick_lock:
            store = self.bot.store
            now = self.bot.clock.now()
            report = CheckinTickReport()
            report.purged = await store.purge_checkin_answers(now)
            report.cancelled = await store.cancel_cut_short_checkin_weeks()
            for group, last_week in await store.checkin_groups_awaiting_week(now):
                if await self._open(group, last_week, now):
                    report.opened += 1
            report.advancing = await self.sweep()
            if report.opened or report.cancelled or report.purged:
                log.info(
                    "check-ins: %d weeks opened, %d cancelled, %d answers purged",
                    report.opened,
                    report.cancelled,
                    report.purged,
                )
            return report

    async def sweep(self) -> int:
        """Start advancing every group with a step to do now; how many groups."""
        weeks = await self.bot.store.checkin_weeks_with_work(self.bot.clock.now())
        groups = list(dict.fromkeys(week.group_id for week in weeks))
        for group_id in groups:
            self.advance(group_id)
        return len(groups)

    async def drain(self) -> None:
        while self._running:
            await asyncio.wait(set(self._running.values()))

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let posts in flight finish briefly; the next start finishes anything left."""
        tasks = set(self._running.values())
        if tasks:
            await asyncio.wait(tasks, timeout=grace_seconds)
        for task in tasks:
            task.cancel()

    # -- what members do (called by the cog) -------------------------------------------------

    async def submit(
        self, group_id: int, week: int, user_id: int, answers: dict[str, str]
    ) -> AnswerOutcome:
        """Store a member's answers; when everyone has now answered, reveal straight away."""
        outcome = await self.bot.store.save_checkin_answers(
            group_id, week, user_id, answers, self.bot.clock.now()
        )
        if outcome.complete:
            self._claimed_here.add((group_id, week, ANSWERS))
            self.advance(group_id)
        return outcome

    async def skip(self, group_id: int, week: int, user_id: int, *, rough: bool) -> AnswerOutcome:
        """Record a skip (the reason stays private; a rough week is never shown to anyone)."""
        return await self.bot.store.record_checkin_skip(
            group_id, week, user_id, rough_week=rough, now=self.bot.clock.now()
        )

    async def end_pairing(self, group_id: int, user_id: int) -> bool:
        """End a group through the pairing engine (which tells the space, no-fault), then drop
        its open week's answers unshown. False when it had already ended."""
        pairing = getattr(self.bot, "pairing", None)
        if pairing is None:
            raise PairingUnavailable("the pairing feature is not loaded")
        ended = bool(await pairing.end_group(group_id, reason="ended", by_user=user_id))
        await self.bot.store.cancel_cut_short_checkin_weeks()
        return ended

    # -- opening -----------------------------------------------------------------------------

    async def _open(self, group: CheckinGroup, last_week: int, now: datetime) -> bool:
        week = due_week(now, group.starts_at, group.ends_at, group.term_weeks, last_week)
        if week is None:
            return False
        window = week_window(group.starts_at, group.ends_at, week)
        used = await self.bot.store.checkin_used_question_ids(group.id)
        questions = checkin_questions(
            self.bot.content,
            week,
            group.term_weeks,
            random.Random(question_seed(group.id, week)),
            count=question_count(week),
            used_ids=used,
        )
        claimed = await self.bot.store.claim_checkin_week(
            group.id,
            week,
            opens_at=window.opens_at,
            closes_at=window.closes_at,
            remind_at=reminder_time(window, now),
            question_ids=[q.id for q in questions],
            now=now,
        )
        if claimed:
            self._claimed_here.add((group.id, week, QUESTIONS))
            log.info("group %s: week %s claimed (%d questions)", group.id, week, len(questions))
        return claimed

    # -- advancing a group's weeks ---------------------------------------------------------------

    def advance(self, group_id: int) -> None:
        """Run the group's pending steps in the background, week by week in order (once more
        after the current run, if one is in flight)."""
        if group_id in self._running:
            self._again.add(group_id)
            return
        task = asyncio.create_task(self._advance_loop(group_id), name=f"checkin-{group_id}")
        self._running[group_id] = task
        task.add_done_callback(lambda _: self._running.pop(group_id, None))

    async def _advance_loop(self, group_id: int) -> None:
        while True:
            self._again.discard(group_id)
            try:
                for week in await self.bot.store.unfinished_checkin_weeks(group_id):
                    await self._advance(group_id, week.week)
            except asyncio.CancelledError:
                raise
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                # Left pending: the next tick retries, looking in the space first.
                self._claimed_here = {c for c in self._claimed_here if c[0] != group_id}
                log.warning("check-ins of group %s: posting failed (%s); will retry", group_id, exc)
            except Exception:
                log.exception("check-ins of group %s: unexpected error", group_id)
            if group_id not in self._again:
                return

    async def _advance(self, group_id: int, number: int) -> None:
        store = self.bot.store
        group = await store.checkin_group(group_id)
        week = await store.checkin_week(group_id, number)
        if group is None or week is None or week.cancelled or week.followup_posted_at:
            return
        if group.ended_at is not None and group.ended_at < week.closes_at:
            return  # cut short: the next tick cancels the week
        members = await store.checkin_group_members(group_id)
        now = self.bot.clock.now()
        if week.posted_at is None and now >= week.closes_at:
            # Claimed, then the bot was down past the week's close: posting its questions now
            # would only be followed at once by "not answered", so the week is dropped.
            await store.drop_checkin_week(group_id, number)
            log.warning("group %s: week %s was never posted before it closed", group_id, number)
            return
        if week.posted_at is None:
            await self._post_questions(group, week, members)
        if (
            week.remind_at is not None
            and week.remind_at <= now < week.closes_at
            and week.reminder_sent_at is None
            and week.revealed_at is None
        ):
            await self._remind(group, week, members)
        if week.closed_at is None and now >= week.closes_at:
            was_revealed = week.revealed_at is not None
            if await store.claim_checkin_close(group_id, number, now):
                self._claimed_here.add((group_id, number, FOLLOW_UP))
                if not was_revealed:
                    self._claimed_here.add((group_id, number, ANSWERS))
        week = await store.checkin_week(group_id, number) or week
        if week.revealed_at is not None and week.reveal_posted_at is None:
            await self._post_reveal(group, week, members)
        if week.closed_at is not None and week.followup_posted_at is None:
            await self._post_followup(group, week, members)

    # -- the steps ------------------------------------------------------------------------------

    async def _post_questions(
        self, group: CheckinGroup, week: CheckinWeek, members: Sequence[int]
    ) -> None:
        questions = self._questions(week)
        texts = self.bot.content.flow_texts
        lines = [texts.render(FlowKey.WEEK_OPEN, week=week.week, weeks=group.term_weeks), ""]
        lines += [f"**{i}.** {q.text}" for i, q in enumerate(questions, start=1)]
        embed = discord.Embed(
            title=f"Check-in: week {week.week} of {group.term_weeks}",
            description="\n".join(lines),
            colour=COLOUR,
        )
        post = self._post(
            group, week, QUESTIONS, [embed], view=self.views.questions(group.id, week.week)
        )
        first: int | None = None
        for channel in await self._space(group, members):
            message_id = await self._send(channel, post, recover=self._recovering(week, QUESTIONS))
            first = first or message_id
        await self.bot.store.mark_checkin_posted(group.id, week.week, first, self.bot.clock.now())
        log.info("group %s: week %s questions posted", group.id, week.week)

    async def _remind(self, group: CheckinGroup, week: CheckinWeek, members: Sequence[int]) -> None:
        store = self.bot.store
        now = self.bot.clock.now()
        if week.reminder_claimed_at is None:
            if not await store.claim_checkin_reminder(group.id, week.week, now):
                return
            self._claimed_here.add((group.id, week.week, REMINDER))
        responded = {a.user_id for a in await store.checkin_answers_for(group.id, week.week)}
        waiting = [m for m in members if m not in responded]
        if waiting:
            text = self.bot.content.flow_texts.render(FlowKey.REMINDER, days=REMINDER_DAYS)
            embed = discord.Embed(description=text, colour=COLOUR)
            view = self.views.reminder(group.id, week.week)
            recover = self._recovering(week, REMINDER)
            if group.use_dms:
                post = self._post(group, week, REMINDER, [embed], view=view)
                for channel in await self._space(group, waiting):
                    await self._send(channel, post, recover=recover)
            else:
                # The content holds nothing but these mentions, so letting user mentions parse
                # pings exactly the members who have not answered, nobody else.
                post = self._post(
                    group,
                    week,
                    REMINDER,
                    [embed],
                    view=view,
                    content=" ".join(f"<@{m}>" for m in waiting),
                    mentions=discord.AllowedMentions(
                        everyone=False, roles=False, users=True, replied_user=False
                    ),
                )
                for channel in await self._space(group, members):
                    await self._send(channel, post, recover=recover)
        await store.mark_checkin_reminder_sent(group.id, week.week, self.bot.clock.now())
        log.info("group %s: week %s reminder sent to %d", group.id, week.week, len(waiting))

    async def _post_reveal(
        self, group: CheckinGroup, week: CheckinWeek, members: Sequence[int]
    ) -> None:
        given = {
            a.user_id: a for a in await self.bot.store.checkin_answers_for(group.id, week.week)
        }
        names = await self._names(group, members)
        texts = self.bot.content.flow_texts
        everyone = all(given.get(m) is not None and given[m].answered for m in members)
        header = texts.render(FlowKey.REVEAL if everyone else FlowKey.NOT_ANSWERED)
        embeds = [
            self._answer_embed(names[m], given.get(m), self._questions(week)) for m in members
        ]
        footer_room = len(marker(group.id, week.week, group.term_weeks, f"{ANSWERS} 10/10"))
        groups = pack_sizes(
            [len(e) for e in embeds],
            budget=MESSAGE_EMBED_TOTAL - footer_room,
            max_items=EMBEDS_PER_MESSAGE,
        )
        recover = self._recovering(week, ANSWERS)
        channels = await self._space(group, members)
        for number, indices in enumerate(groups, start=1):
            part = [embeds[i].copy() for i in indices]
            kind = part_kind(number, len(groups))
            post = self._post(group, week, kind, part, content=header if number == 1 else None)
            for channel in channels:
                await self._send(channel, post, recover=recover)
        await self.bot.store.mark_checkin_reveal_posted(group.id, week.week, self.bot.clock.now())
        log.info(
            "group %s: week %s revealed (everyone answered: %s)", group.id, week.week, everyone
        )

    async def _post_followup(
        self, group: CheckinGroup, week: CheckinWeek, members: Sequence[int]
    ) -> None:
        text = self.bot.content.flow_texts.render(FlowKey.CONNECT_FOLLOWUP)
        embed = discord.Embed(description=text, colour=COLOUR)
        view = self.views.followup(group.id, week.week)
        post = self._post(group, week, FOLLOW_UP, [embed], view=view)
        recover = self._recovering(week, FOLLOW_UP)
        for channel in await self._space(group, members):
            await self._send(channel, post, recover=recover)
        await self.bot.store.mark_checkin_followup_posted(group.id, week.week, self.bot.clock.now())
        steps = (QUESTIONS, REMINDER, ANSWERS, FOLLOW_UP)
        self._claimed_here -= {(group.id, week.week, step) for step in steps}
        log.info("group %s: week %s closed", group.id, week.week)

    # -- rendering -------------------------------------------------------------------------------

    def _questions(self, week: CheckinWeek) -> list[CheckinQuestion]:
        library = self.bot.content
        found = [library.checkin_question(i) for i in week.question_ids]
        return [q for q in found if q is not None]

    @staticmethod
    def _post(
        group: CheckinGroup,
        week: CheckinWeek,
        kind: str,
        embeds: list[discord.Embed],
        *,
        content: str | None = None,
        view: discord.ui.View | None = None,
        mentions: discord.AllowedMentions | None = None,
    ) -> Post:
        """A message of ``kind`` for the week, its last embed footed with its marker."""
        label = marker(group.id, week.week, group.term_weeks, kind)
        embeds[-1].set_footer(text=label)
        return Post(
            marker=label,
            nonce=slot_nonce("ck", group.id, week.week, nonce_word(kind)),
            embeds=embeds,
            content=content,
            view=view,
            mentions=mentions or discord.AllowedMentions.none(),
        )

    @staticmethod
    def _answer_embed(
        name: str, given: MemberAnswer | None, questions: Sequence[CheckinQuestion]
    ) -> discord.Embed:
        embed = discord.Embed(title=truncate(name, 256), colour=COLOUR)
        if given is None or not given.answered or given.answers is None:
            embed.description = NOT_ANSWERED_LINE
            return embed
        for question in questions:
            answer = given.answers.get(question.id, "").strip() or "(no answer)"
            embed.add_field(name=question.text, value=truncate(answer, 1024), inline=False)
        return embed

    async def _names(self, group: CheckinGroup, members: Sequence[int]) -> dict[int, str]:
        """Members' server display names (markdown escaped), fetched when not cached."""
        guild = self.bot.get_guild(group.guild_id)
        names: dict[int, str] = {}
        for user_id in members:
            member = guild.get_member(user_id) if guild else None
            if member is None and guild is not None:
                try:
                    async with self.pacer:
                        member = await guild.fetch_member(user_id)
                except discord.HTTPException:
                    member = None
            names[user_id] = (
                discord.utils.escape_markdown(member.display_name) if member else UNKNOWN_MEMBER
            )
        return names

    # -- sending ----------------------------------------------------------------------------------

    def _recovering(self, week: CheckinWeek, kind: str) -> bool:
        """True when another run claimed this step: its message may already be out there."""
        return (week.group_id, week.week, kind) not in self._claimed_here

    async def _space(
        self, group: CheckinGroup, users: Sequence[int]
    ) -> list[discord.abc.Messageable]:
        """Where the group's posts go: its private thread, else each of ``users``' DMs."""
        if not group.use_dms and group.thread_id is not None:
            return [self.bot.get_partial_messageable(group.thread_id, guild_id=group.guild_id)]
        channels: list[discord.abc.Messageable] = []
        for user_id in users:
            try:
                async with self.pacer:
                    channels.append(await self.bot.create_dm(discord.Object(user_id)))
            except (discord.Forbidden, discord.NotFound) as exc:
                log.warning("group %s: cannot open a DM with a member (%s)", group.id, exc)
        return channels

    async def _send(
        self, channel: discord.abc.Messageable, post: Post, *, recover: bool
    ) -> int | None:
        """Send ``post`` unless a recovering run finds it already there; its message id.

        A space that is gone or closed to the bot (deleted thread, DMs off) is logged and
        passed over rather than retried forever.
        """
        if recover:
            existing = await self._find(channel, post.marker)
            if existing is not None:
                log.info("found %r already posted; not posting it again", post.marker)
                return existing
        try:
            async with self.pacer:
                message = await channel.send(
                    content=post.content,
                    embeds=post.embeds,
                    view=post.view or discord.utils.MISSING,
                    nonce=post.nonce,
                    allowed_mentions=post.mentions,
                )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("cannot post %r (%s); skipping it", post.marker, exc)
            return None
        return message.id

    async def _find(self, channel: discord.abc.Messageable, label: str) -> int | None:
        me = self.bot.user.id if self.bot.user else None
        try:
            async with self.pacer:
                history = [m async for m in channel.history(limit=HISTORY_LIMIT)]
        except (discord.Forbidden, discord.NotFound):
            return None
        for message in history:
            if message.author.id == me and any(e.footer.text == label for e in message.embeds):
                return message.id
        return None
