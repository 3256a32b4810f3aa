"""A test server for pairing: a #pairs channel, five members who may opt in, a moving clock.

Monday 23 November 2026, 12:00 UTC; rounds set up for Mondays 09:00 Europe/London (GMT in
winter, so 09:00 UTC): the first round is Monday 30 November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.client import CommunityBot
from bot.store.pairs import PairGroup
from tests.emulator import Channel, Emulator, Member, Message
from tests.harness import Harness

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ROUND1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)
PRIVATE_THREAD = 12


@dataclass
class PairsWorld:
    harness: Harness
    channel: Channel
    people: list[Member]  # alice, bob, carol, dave, erin

    @property
    def emu(self) -> Emulator:
        return self.harness.emu

    @property
    def bot(self) -> CommunityBot:
        return self.harness.live

    def person(self, user_id: int) -> Member:
        return next(p for p in self.people if p.id == user_id)

    async def setup(self, **options: Any) -> Message:
        values: dict[str, Any] = {
            "channel": self.channel,
            "day": 0,
            "time": "09:00",
            "timezone": "Europe/London",
            **options,
        }
        return await self.harness.slash("pairing setup", **values)

    async def join(self, *people: Member, **options: Any) -> list[Message]:
        return [await self.harness.slash("pairs join", user=p, **options) for p in people]

    async def slash(self, command: str, user: Member, **options: Any) -> Message:
        reply = await self.harness.slash(command, user=user, **options)
        await self.harness.settle()
        return reply

    async def tick_at(self, moment: datetime) -> None:
        self.harness.clock.set(moment)
        await self.harness.tick()

    async def live_groups(self) -> list[PairGroup]:
        return await self.bot.store.live_pair_groups(
            self.harness.guild.id, self.harness.clock.now()
        )

    async def groups_as_sets(self) -> list[frozenset[int]]:
        return sorted(
            (frozenset(g.user_ids) for g in await self.live_groups()), key=lambda s: sorted(s)
        )

    def threads(self) -> list[Channel]:
        return self.emu.threads(self.channel)

    def thread_of(self, group: PairGroup) -> Channel:
        assert group.thread_id is not None, group
        return self.emu.channels[group.thread_id]

    def bot_messages(self, channel: Channel) -> list[Message]:
        return [m for m in self.emu.messages(channel) if m.author.id == self.emu.bot.id]

    def dms(self, person: Member) -> list[Message]:
        return self.bot_messages(self.emu.dm_channel(person.user))

    def intros(self, channel: Channel) -> list[Message]:
        """The bot's pairing intros in a thread or DM (check-ins post there too)."""
        template = self.bot.content.flow_texts.template("intro")
        marker = template.split("{members}", 1)[1].split("{", 1)[0]
        return [m for m in self.bot_messages(channel) if marker in m.content]

    def dm_intros(self, person: Member) -> list[Message]:
        return self.intros(self.emu.dm_channel(person.user))

    def ended_notices(self, channel: Channel) -> list[Message]:
        text = self.texts("pairing_ended")
        return [m for m in self.bot_messages(channel) if m.content == text]

    def requests(self, method: str, route: str) -> int:
        return sum(1 for r in self.emu.requests if r.method == method and r.route == route)

    def texts(self, key: str, **values: Any) -> str:
        return self.bot.content.flow_texts.render(key, **values)


async def make_world(harness: Harness, *, start: datetime = START) -> PairsWorld:
    """Build the world before the bot starts, then start it (``harness`` is a world_harness)."""
    emu = harness.emu
    channel = emu.create_channel(harness.guild, "pairs")
    people = [harness.member, harness.other]
    people += [emu.create_member(harness.guild, name) for name in ("carol", "dave", "erin")]
    harness.clock.set(start)
    await harness.start()
    return PairsWorld(harness, channel, people)
