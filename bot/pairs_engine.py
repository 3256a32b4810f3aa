"""Weekly pairing rounds, exactly once per server and round date, and their spaces.

A round is: claim the ledger row (server, local round date) together with moving the server's
``next_fire_at`` on -> compute the groups (``bot.pairs_plan``, deterministic for the server and
date) -> write the groups and mark the round done in one transaction. A crash before the write
leaves a claimed row that the next tick (or the start-up sweep) computes again, identically.
A round found later than the grace (or past its local midnight) is recorded as missed.

Discord work (threads, members, intros, "pairing ended" notices) runs afterwards, one worker per
server, from what the database says is unfinished (``bot.pairs_spaces``); a crash mid-way is
finished by the next pass.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.pairing import REPEAT_WINDOW_WEEKS
from bot.pairs_plan import RoundPlan, next_round_after, plan_round
from bot.pairs_spaces import PairSpaces
from bot.store.pairs import PairingConfig, PairingCounts, PairRound

if TYPE_CHECKING:
    from bot.client import CommunityBot
    from bot.pacing import Pacer

__all__ = ["PairingEngine", "PairingTickReport", "RoundOutcome", "RunNowResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """What one round did, in counts (for logs, ``/pairing run-now`` and tests)."""

    guild_id: int
    round_date: date
    new_pairs: int
    new_trios: int
    kept: int
    joined: int
    unpaired: int
    new_group_ids: tuple[int, ...]

    @classmethod
    def of(cls, plan: RoundPlan, ids: list[int]) -> RoundOutcome:
        return cls(
            guild_id=plan.write.guild_id,
            round_date=plan.write.round_date,
            new_pairs=plan.new_pairs,
            new_trios=plan.new_trios,
            kept=len(plan.result.kept),
            joined=len(plan.write.joins),
            unpaired=len(plan.write.unpaired),
            new_group_ids=tuple(ids),
        )


@dataclass(frozen=True, slots=True)
class RunNowResult:
    """``run_now``: the round it ran, or the round that already had today's date."""

    outcome: RoundOutcome | None
    existing: PairRound | None = None


@dataclass(slots=True)
class PairingTickReport:
    claimed: int = 0
    missed: int = 0
    already_claimed: int = 0
    rounds: list[RoundOutcome] = field(default_factory=list)


class PairingEngine:
    """The pairing ticker: ``bot.pairing``. Start, tick, drain and close as ``Ticker``."""

    def __init__(self, bot: CommunityBot, *, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer or bot.engine.pacer
        self.grace = timedelta(hours=bot.settings.grace_hours)
        self._round_lock = asyncio.Lock()
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()
        self._spaces = PairSpaces(bot, self.pacer)

    # -- the ticker --------------------------------------------------------------------------

    async def start(self) -> None:
        """At start-up: finish what a previous run left, then catch up on due rounds."""
        await self.sweep()
        await self.tick()

    async def sweep(self) -> int:
        """Finish claimed rounds and unfinished spaces; the number of rounds finished."""
        async with self._round_lock:
            report = PairingTickReport()
            await self._finish_open_rounds(self.bot.clock.now(), report)
        await self._kick_pending()
        return len(report.rounds)

    async def tick(self) -> PairingTickReport:
        """Claim and run every due round; start making the spaces it needs."""
        async with self._round_lock:
            now = self.bot.clock.now()
            report = PairingTickReport()
            for config in await self.bot.store.due_pairing_configs(now):
                await self._claim_due(config, now, report)
            await self._finish_open_rounds(now, report)
        await self._kick_pending()
        return report

    async def drain(self) -> None:
        """Wait until every server's space work is done."""
        while self._workers:
            await asyncio.wait(set(self._workers.values()))

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let space work finish briefly; anything left is finished by the next start."""
        if self._workers:
            await asyncio.wait(set(self._workers.values()), timeout=grace_seconds)
        for task in list(self._workers.values()):
            task.cancel()

    # -- rounds ------------------------------------------------------------------------------

    def next_round_at(self, config: PairingConfig) -> datetime | None:
        """When the server's next round fires (None while pairing is off)."""
        if not config.enabled:
            return None
        return config.next_fire_at or next_round_after(config, self.bot.clock.now())

    async def run_now(self, guild_id: int) -> RunNowResult:
        """Run a round now through the same ledger, as today's round (local date).

        ``existing`` is set instead when today's round was already claimed. Raises LookupError
        when pairing is not set up in the server.
        """
        async with self._round_lock:
            config = await self.bot.store.get_pairing_config(guild_id)
            if config is None:
                raise LookupError(f"pairing is not set up in guild {guild_id}")
            now = self.bot.clock.now()
            today = now.astimezone(ZoneInfo(config.timezone)).date()
            claimed = await self.bot.store.claim_round(
                guild_id, today, now, status="claimed", now=now, next_fire_at=None
            )
            round_ = await self.bot.store.get_round(guild_id, today)
            assert round_ is not None
            if not claimed:
                return RunNowResult(outcome=None, existing=round_)
            outcome = await self._run_round(config, round_, now)
        self._kick(guild_id)
        return RunNowResult(outcome=outcome)

    async def _claim_due(
        self, config: PairingConfig, now: datetime, report: PairingTickReport
    ) -> None:
        tz = ZoneInfo(config.timezone)
        fire_at = config.next_fire_at
        while fire_at is not None and fire_at <= now:
            round_date = fire_at.astimezone(tz).date()
            next_fire = next_round_after(config, fire_at)
            on_time = self._runnable(fire_at, round_date, tz, now)
            claimed = await self.bot.store.claim_round(
                config.guild_id,
                round_date,
                fire_at,
                status="claimed" if on_time else "missed",
                reason=None if on_time else "the bot was offline",
                now=now,
                next_fire_at=next_fire,
            )
            if not claimed:
                report.already_claimed += 1
            elif on_time:
                report.claimed += 1
            else:
                report.missed += 1
                log.warning("guild %s: pairing round %s missed", config.guild_id, round_date)
            fire_at = next_fire

    def _runnable(self, fire_at: datetime, round_date: date, tz: ZoneInfo, now: datetime) -> bool:
        """Within the grace and still the round's local date."""
        return now - fire_at < self.grace and now.astimezone(tz).date() == round_date

    async def _finish_open_rounds(self, now: datetime, report: PairingTickReport) -> None:
        for round_ in await self.bot.store.open_rounds():
            config = await self.bot.store.get_pairing_config(round_.guild_id)
            if config is None:
                await self.bot.store.settle_round(
                    round_.guild_id, round_.round_date, "failed", "pairing is not set up", now
                )
                continue
            tz = ZoneInfo(config.timezone)
            if not self._runnable(round_.fire_at, round_.round_date, tz, now):
                await self.bot.store.settle_round(
                    round_.guild_id,
                    round_.round_date,
                    "missed",
                    "missed: not finished within the grace",
                    now,
                )
                log.warning("guild %s: round %s missed", round_.guild_id, round_.round_date)
                continue
            try:
                outcome = await self._run_round(config, round_, now)
            except Exception:  # left claimed: the next tick tries again, until the grace ends
                log.exception("guild %s: round %s failed", round_.guild_id, round_.round_date)
                continue
            if outcome is not None:
                report.rounds.append(outcome)

    async def _run_round(
        self, config: PairingConfig, round_: PairRound, now: datetime
    ) -> RoundOutcome | None:
        store = self.bot.store
        since = round_.round_date - timedelta(weeks=REPEAT_WINDOW_WEEKS)
        previous = await store.last_done_round(config.guild_id, before=round_.round_date)
        members = await store.pair_members(config.guild_id)
        blocks = await store.pair_blocks(config.guild_id)
        groups = await store.pair_groups_since(config.guild_id, since)
        # Thousands of members take a noticeable fraction of a second: off the event loop.
        plan = await asyncio.to_thread(
            plan_round,
            config,
            round_.round_date,
            round_.fire_at,
            members=members,
            blocks=blocks,
            groups=groups,
            previous_round_at=previous.fire_at if previous else None,
        )
        ids = await store.record_round(plan.write, now)
        if ids is None:
            return None
        self._spaces.fresh.update(ids)
        outcome = RoundOutcome.of(plan, ids)
        log.info(
            "guild %s: round %s: %d new pairs, %d new trios, %d kept, %d joined, %d unpaired",
            outcome.guild_id,
            outcome.round_date,
            outcome.new_pairs,
            outcome.new_trios,
            outcome.kept,
            outcome.joined,
            outcome.unpaired,
        )
        return outcome

    # -- ending groups -----------------------------------------------------------------------

    async def end_group(self, group_id: int, *, reason: str, by_user: int | None) -> bool:
        """End a group early, no-fault; its space is told only that the pairing ended.

        The members are re-paired at the next round (not with each other). False when the
        group had already ended. ``reason``: ended | left | paused | blocked | deleted.
        """
        group = await self.bot.store.get_pair_group(group_id)
        if group is None:
            return False
        if not await self.bot.store.end_pair_group(group_id, reason, self.bot.clock.now()):
            return False
        log.info("group %s ended (%s%s)", group_id, reason, ", by a member" if by_user else "")
        self._kick(group.guild_id)
        return True

    async def remove_member(self, guild_id: int, user_id: int, *, reason: str) -> bool:
        """End the member's live group, if any (leave, pause, block, data deletion)."""
        group = await self.bot.store.live_group_of(guild_id, user_id, self.bot.clock.now())
        if group is None:
            return False
        return await self.end_group(group.id, reason=reason, by_user=user_id)

    async def remove_member_everywhere(self, user_id: int, *, reason: str = "deleted") -> int:
        """End the member's live groups in every server (``/privacy delete``); how many."""
        ended = 0
        for group_id in await self.bot.store.live_group_ids_of_user(user_id, self.bot.clock.now()):
            ended += await self.end_group(group_id, reason=reason, by_user=user_id)
        return ended

    async def stats(self, guild_id: int) -> PairingCounts:
        """Counts for ``/pairing stats``: never content."""
        return await self.bot.store.pairing_counts(guild_id, self.bot.clock.now())

    # -- space workers -----------------------------------------------------------------------

    async def _kick_pending(self) -> None:
        for guild_id in await self.bot.store.guilds_with_space_work(self.bot.clock.now()):
            self._kick(guild_id)

    def _kick(self, guild_id: int) -> None:
        """Run the server's space worker now, or once more after the running pass."""
        running = self._workers.get(guild_id)
        if running is not None and not running.done():
            self._again.add(guild_id)
            return
        task = asyncio.create_task(self._work(guild_id), name=f"pair-spaces-{guild_id}")
        self._workers[guild_id] = task
        task.add_done_callback(lambda done: self._forget(guild_id, done))

    def _forget(self, guild_id: int, task: asyncio.Task[None]) -> None:
        if self._workers.get(guild_id) is task:
            del self._workers[guild_id]

    async def _work(self, guild_id: int) -> None:
        try:
            while True:
                self._again.discard(guild_id)
                await self._spaces.run(guild_id)
                if guild_id not in self._again:
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("guild %s: pair spaces failed; the next tick retries", guild_id)
