"""Who may use a check-in's buttons, and which week a member is answering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.checkins import CheckinGroup, CheckinWeek
from bot.tree import UserFacingError

if TYPE_CHECKING:
    from bot.client import CommunityBot

NOT_YOURS = (
    "This isn't your check-in: these buttons belong to the members of this pairing. "
    "If you'd like help for yourself, `/resources` lists people who can help."
)
GONE = "I can't find this pairing any more."
ENDED = "This pairing has ended, so its check-ins are closed. You'll be paired again next round."
NOT_PAIRED = (
    "You're not in a pair right now. `/pairs join` opts you in, and you'll be paired at the next "
    "round."
)
NOTHING_OPEN = (
    "There's no check-in open for you right now. New questions arrive when the next week opens."
)
CLOSED = "This week's check-in has closed. New questions arrive when the next week opens."
REVEALED = (
    "Everyone has answered this week, and the answers are shown in your pair's space. "
    "New questions arrive when the next week opens."
)


async def member_group(bot: CommunityBot, group_id: int, user_id: int) -> CheckinGroup:
    """The group, when ``user_id`` is one of its members; else a clear refusal."""
    group = await bot.store.checkin_group(group_id)
    if group is None:
        raise UserFacingError(GONE)
    if not await bot.store.is_checkin_member(group_id, user_id):
        raise UserFacingError(NOT_YOURS)
    return group


def week_problem(bot: CommunityBot, group: CheckinGroup, week: CheckinWeek | None) -> str | None:
    """Why answers or skips are not taken for this week now (None when they are)."""
    if group.ended_at is not None:
        return ENDED
    if week is None or week.cancelled:
        return NOTHING_OPEN
    if week.closed_at is not None or bot.clock.now() >= week.closes_at:
        return CLOSED
    if week.revealed_at is not None:
        return REVEALED
    return None


async def open_week(bot: CommunityBot, group: CheckinGroup, number: int) -> CheckinWeek:
    """Week ``number`` of the group, while it still takes answers."""
    week = await bot.store.checkin_week(group.id, number)
    problem = week_problem(bot, group, week)
    if problem is not None or week is None:
        raise UserFacingError(problem or NOTHING_OPEN)
    return week


async def current_week(
    bot: CommunityBot, user_id: int, guild_id: int | None
) -> tuple[CheckinGroup, CheckinWeek]:
    """The member's week that takes answers now (``/checkin``): in this server, or in any
    server when used in DMs."""
    groups = await bot.store.checkin_groups_of(user_id, guild_id)
    if not groups:
        raise UserFacingError(NOT_PAIRED)
    problems: list[str] = []
    for group in groups:
        week = await bot.store.latest_checkin_week(group.id)
        problem = week_problem(bot, group, week)
        if problem is None and week is not None:
            return group, week
        problems.append(problem or NOTHING_OPEN)
    raise UserFacingError(REVEALED if REVEALED in problems else NOTHING_OPEN)
