"""Texts of ``/pairing`` replies: counts and times, never names or content."""

from __future__ import annotations

from datetime import datetime

from bot.pairs_engine import RoundOutcome
from bot.store.pairs import PairingConfig, PairingCounts

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def when(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp: each reader sees it in their own timezone."""
    stamp = int(moment.timestamp())
    if style != "F":
        return f"<t:{stamp}:{style}>"
    return f"<t:{stamp}:F> (<t:{stamp}:R>)"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def outcome_text(outcome: RoundOutcome, config: PairingConfig) -> str:
    """The reply to ``/pairing run-now`` after a round ran."""
    parts = [
        f"Round done: {_count(outcome.new_pairs, 'new pair')}, "
        f"{_count(outcome.new_trios, 'new trio')}"
    ]
    if outcome.kept:
        parts.append(f"{_count(outcome.kept, 'pairing')} continuing")
    if outcome.joined:
        parts.append(f"{_count(outcome.joined, 'newcomer')} joined a pairing")
    text = "; ".join(parts) + "."
    if outcome.unpaired:
        text += (
            f" {_count(outcome.unpaired, 'member')} could not be placed: blocks leave nobody "
            "they may be paired with. They are included again next round."
        )
    if outcome.new_group_ids or outcome.joined:
        where = (
            "by direct message"
            if config.use_dms
            else f"in private threads in <#{config.channel_id}>"
        )
        text += f" Their spaces are being made {where}."
    return text


def stats_text(counts: PairingCounts, config: PairingConfig, next_round: datetime | None) -> str:
    """The reply to ``/pairing stats``."""
    lines = [
        f"**Opted in:** {counts.active} active, {counts.paused} paused",
        f"**Live now:** {_count(counts.live_pairs, 'pair')}, {_count(counts.live_trios, 'trio')}",
        f"**Rounds run:** {counts.rounds_done}",
    ]
    if counts.expected:
        rate = 100 * (counts.answered or 0) / counts.expected
        lines.append(
            f"**Check-in answer rate:** {rate:.0f}% ({counts.answered} of {counts.expected} "
            "possible answers in the weeks revealed so far)"
        )
    elif counts.expected is not None:
        lines.append("**Check-in answer rate:** no check-in week has been revealed yet")
    if next_round is not None:
        lines.append(f"**Next round:** {when(next_round)}")
    else:
        lines.append("**Next round:** none, rounds are off (`/pairing setup` turns them on)")
    if config.use_dms:
        lines.append("Pair spaces are direct messages: I can't make private threads here.")
    lines.append("Counts only: answers are private to each pair.")
    return "\n".join(lines)
