"""From stored rows to one pairing round: the inputs of ``pair_round`` and what to write back.

Pure: no discord, no database, no clock. The same rows and round date always give the same
plan (the seed comes from the server and the round date), so a round recomputed after a crash
between its claim and its write is the round the crashed process would have written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.pairing import (
    CurrentGroup,
    Member,
    PastGroup,
    RoundResult,
    UnpairedReason,
    pair_round,
    week_index,
)
from bot.slots import next_slots, parse_hhmm
from bot.store.pairs import PairGroup, PairingConfig, PairMember, RoundWrite

__all__ = ["RoundPlan", "next_round_after", "next_round_time", "plan_round", "round_seed"]


@dataclass(frozen=True)
class RoundPlan:
    """What the round decided (``result``) and the rows that record it (``write``)."""

    result: RoundResult
    write: RoundWrite

    @property
    def new_pairs(self) -> int:
        return sum(len(group) == 2 for group in self.write.new_groups)

    @property
    def new_trios(self) -> int:
        return sum(len(group) == 3 for group in self.write.new_groups)


def round_seed(guild_id: int, round_date: date) -> int:
    """The tie-break seed of a server's round: stable across processes and restarts."""
    digest = hashlib.sha256(f"pairs:{guild_id}:{round_date.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def next_round_time(weekday: int, local_time: str, timezone: str, after: datetime) -> datetime:
    """The UTC instant of the first weekly round (weekday, HH:MM, zone) strictly after ``after``."""
    slot = next_slots(after, parse_hhmm(local_time), ZoneInfo(timezone), frozenset({weekday}), 1)[0]
    fire_at: datetime = slot.fire_at
    return fire_at


def next_round_after(config: PairingConfig, moment: datetime) -> datetime:
    """The UTC instant of the server's first round strictly after ``moment``."""
    return next_round_time(config.weekday, config.local_time, config.timezone, moment)


def _offset_minutes(timezone: str | None, fallback: str, at: datetime) -> int:
    try:
        zone = ZoneInfo(timezone or fallback)
    except (ValueError, KeyError):  # a zone tzdata no longer ships: treat as the server's
        zone = ZoneInfo(fallback)
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _term_end(group: PairGroup) -> int:
    return week_index(group.round_date) + group.term_weeks


def plan_round(
    config: PairingConfig,
    round_date: date,
    fire_at: datetime,
    *,
    members: Sequence[PairMember],
    blocks: Iterable[frozenset[int]],
    groups: Sequence[PairGroup],
    previous_round_at: datetime | None,
) -> RoundPlan:
    """Plan a server's round on local date ``round_date``, firing at ``fire_at``.

    ``members`` are the opted-in (active or paused) members; ``groups`` every group formed in
    the last 12 weeks plus every group not yet ended. Groups not ended stay together for their
    term (in round weeks); groups whose members pressed "End pairing" since
    ``previous_round_at`` are not put back together this round. Newcomers the algorithm puts
    into a current pair join that group; current groups it releases (term over) are ended.
    """
    round_index = week_index(round_date)
    roster = [
        Member(
            m.user_id,
            _offset_minutes(m.timezone, config.timezone, fire_at),
            active=m.active_on(round_date),
        )
        for m in members
    ]
    resumed = [m.user_id for m in members if m.status == "paused" and m.active_on(round_date)]
    history = [
        PastGroup(frozenset(g.user_ids), week_index(g.round_date)) for g in groups if g.user_ids
    ]

    current: list[CurrentGroup] = []
    live: dict[frozenset[int], PairGroup] = {}
    overlapping: list[PairGroup] = []
    taken: set[int] = set()
    for group in groups:
        ids = frozenset(group.user_ids)
        if group.ended_at is not None or not ids:
            continue
        if ids & taken:  # a member in two live groups: keep the older, release the other
            overlapping.append(group)
            continue
        taken |= ids
        live[ids] = group
        current.append(CurrentGroup(ids, term_end=_term_end(group)))
    for group in groups:
        ids = frozenset(group.user_ids)
        if (
            group.ended_at is None
            # Only "End pairing" keeps its members apart next round: when someone left, paused
            # or blocked, the rest are simply free again.
            or group.end_reason != "ended"
            or len(ids) < 2
            or ids & taken
            or (previous_round_at is not None and group.ended_at <= previous_round_at)
        ):
            continue
        taken |= ids
        current.append(CurrentGroup(ids, term_end=_term_end(group), ended=True))

    result = pair_round(
        roster,
        round_index=round_index,
        history=history,
        blocks=blocks,
        current_groups=current,
        seed=round_seed(config.guild_id, round_date),
    )

    new_groups: list[tuple[int, ...]] = []
    joins: list[tuple[int, int]] = []
    extended: set[int] = set()
    for formed in result.new:
        joiner = next((m for m in formed if m in result.joined), None)
        if joiner is None:
            new_groups.append(formed)
            continue
        existing = live[frozenset(result.joined[joiner])]
        joins.append((existing.id, joiner))
        extended.add(existing.id)
    kept = {live[frozenset(group)].id for group in result.kept}
    ended = [
        (group.id, "term" if round_index >= _term_end(group) else "released")
        for group in live.values()
        if group.id not in kept and group.id not in extended
    ]
    ended += [(group.id, "released") for group in overlapping]
    write = RoundWrite(
        guild_id=config.guild_id,
        round_date=round_date,
        starts_at=fire_at,
        ends_at=fire_at + timedelta(weeks=config.term_weeks),
        term_weeks=config.term_weeks,
        new_groups=new_groups,
        joins=joins,
        ended=ended,
        resumed=resumed,
        unpaired=[
            u.member_id for u in result.unpaired if u.reason is UnpairedReason.NO_COMPATIBLE_PARTNER
        ],
    )
    return RoundPlan(result=result, write=write)
