"""The text of ``/pairs status``: the member's own pairing, nobody else's."""

from __future__ import annotations

from bot.pairs_spaces import member_list
from bot.store.pairs import PairGroup, PairMember
from cogs.pairing.render import when


def status_text(
    member: PairMember,
    group: PairGroup | None,
    *,
    pause_over: bool,
    blocks: int,
    next_line: str,
    left_out: bool,
) -> str:
    """Opted in and active or paused, current partners and space, next round, block count."""
    if pause_over:
        lines = ["**Status:** opted in; your pause is over, so you're paired from the next round"]
    elif member.status == "paused" and member.paused_until is not None:
        lines = [
            f"**Status:** paused until {member.paused_until:%A %d %B %Y} "
            "(`/pairs resume` brings you back sooner)"
        ]
    else:
        lines = ["**Status:** opted in and active"]
    lines.append(f"**Timezone:** {member.timezone or 'the server’s pairing timezone'}")
    if group is not None:
        others = [user_id for user_id in group.user_ids if user_id != member.user_id]
        lines.append(f"**Paired with:** {member_list(others)} until {when(group.ends_at, 'D')}")
        if group.thread_id is not None:
            lines.append(f"**Your space:** <#{group.thread_id}>")
        elif group.use_dms:
            lines.append("**Your space:** direct messages from me")
        else:
            lines.append("**Your space:** a private thread, being made now")
    else:
        line = "**Paired with:** nobody right now"
        if left_out and member.status == "active":
            line += (
                ". In the last round nobody you may be paired with was available; you're "
                "included again in the next one"
            )
        lines.append(line)
    lines.append(next_line)
    lines.append(f"**Blocked by you:** {blocks} member{'' if blocks == 1 else 's'}")
    return "\n".join(lines)
