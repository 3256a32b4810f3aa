"""The arithmetic of a pair's weekly check-ins: week windows, custom ids, markers, packing.

Pure: no discord, no store. Times are aware UTC datetimes.

A term of ``term_weeks`` starts at ``starts_at``; week ``w`` opens at ``starts_at + (w-1)*7 days``
and closes 7 days later, except that the last week ends with the term (``ends_at``). A reminder
goes out 2 days before a week closes, to whoever has neither answered nor skipped, but only when
the week was opened before that moment (a week opened late, after downtime, is not nagged at once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WEEK = timedelta(days=7)
REMINDER_LEAD = timedelta(days=2)
REMINDER_DAYS = 2
ANSWERS_KEPT = timedelta(days=7)
# Each answer must fit one embed field (1,024) with room to spare; the modal enforces it.
ANSWER_MAX_LENGTH = 1000

# -- custom ids ------------------------------------------------------------------------------
# Everything a click needs is in the id, so buttons keep working after a restart.
ANSWER_TEMPLATE = r"checkin:answer:(?P<group>[0-9]+):(?P<week>[0-9]+)"
SKIP_TEMPLATE = r"checkin:skip:(?P<group>[0-9]+):(?P<week>[0-9]+)"
SKIP_AS_TEMPLATE = r"checkin:skipas:(?P<group>[0-9]+):(?P<week>[0-9]+):(?P<why>busy|rough)"
SUPPORT_TEMPLATE = r"checkin:support:(?P<group>[0-9]+)"
TELL_SUPPORT_TEMPLATE = r"checkin:tell:(?P<group>[0-9]+)"
END_TEMPLATE = r"checkin:end:(?P<group>[0-9]+)"
END_CONFIRM_TEMPLATE = r"checkin:endok:(?P<group>[0-9]+)"
CONNECT_TEMPLATE = r"checkin:connect:(?P<group>[0-9]+):(?P<week>[0-9]+):(?P<answer>yes|no)"
MODAL_PATTERN = re.compile(r"checkin:modal:(?P<group>[0-9]+):(?P<week>[0-9]+)")


def answer_id(group_id: int, week: int) -> str:
    return f"checkin:answer:{group_id}:{week}"


def skip_id(group_id: int, week: int) -> str:
    return f"checkin:skip:{group_id}:{week}"


def skip_as_id(group_id: int, week: int, why: str) -> str:
    return f"checkin:skipas:{group_id}:{week}:{why}"


def support_id(group_id: int) -> str:
    return f"checkin:support:{group_id}"


def tell_support_id(group_id: int) -> str:
    return f"checkin:tell:{group_id}"


def end_id(group_id: int) -> str:
    return f"checkin:end:{group_id}"


def end_confirm_id(group_id: int) -> str:
    return f"checkin:endok:{group_id}"


def connect_id(group_id: int, week: int, connected: bool) -> str:
    return f"checkin:connect:{group_id}:{week}:{'yes' if connected else 'no'}"


def modal_id(group_id: int, week: int) -> str:
    return f"checkin:modal:{group_id}:{week}"


def parse_modal_id(custom_id: str) -> tuple[int, int] | None:
    """(group, week) of a check-in modal's custom id; None for any other id."""
    match = MODAL_PATTERN.fullmatch(custom_id)
    return (int(match["group"]), int(match["week"])) if match else None


# -- weeks -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekWindow:
    """When one week of a term opens, closes, and (ideally) sends its reminder."""

    week: int
    opens_at: datetime
    closes_at: datetime

    @property
    def remind_at(self) -> datetime:
        return self.closes_at - REMINDER_LEAD


def week_window(starts_at: datetime, ends_at: datetime, week: int) -> WeekWindow:
    """Week ``week`` (1-based) of the term that runs from ``starts_at`` to ``ends_at``."""
    if week < 1:
        raise ValueError(f"weeks start at 1, got {week}")
    opens_at = starts_at + (week - 1) * WEEK
    return WeekWindow(week, opens_at, min(opens_at + WEEK, ends_at))


def due_week(
    now: datetime, starts_at: datetime, ends_at: datetime, term_weeks: int, last_week: int
) -> int | None:
    """The week to open now, or None.

    It is the week containing ``now``, when that is later than the last opened one. Weeks that
    passed entirely while the bot was down are skipped, not posted late.
    """
    if now < starts_at or now >= ends_at:
        return None
    current = min(int((now - starts_at) / WEEK) + 1, term_weeks)
    return current if current > last_week else None


def reminder_time(window: WeekWindow, opened_at: datetime) -> datetime | None:
    """When to remind, or None when the week opened too late for a reminder to make sense."""
    return window.remind_at if opened_at < window.remind_at else None


def question_count(week: int) -> int:
    """Two questions for a gentle first week, three after."""
    return 2 if week == 1 else 3


def question_seed(group_id: int, week: int) -> str:
    """The seed of a week's question pick: the same pick if the claim is ever retried."""
    return f"checkin:{group_id}:{week}"


def parse_instant(text: str) -> datetime:
    """A stored UTC instant (``...+00:00`` or ``...Z``) as an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- markers ---------------------------------------------------------------------------------
# Each message a week posts carries a footer naming it; after a crash between sending and
# recording, the next run finds its own message by that footer instead of posting it twice.

QUESTIONS, REMINDER, ANSWERS, FOLLOW_UP = "questions", "reminder", "answers", "follow-up"


def marker(group_id: int, week: int, term_weeks: int, kind: str) -> str:
    """The footer of one of a week's messages, e.g. ``Week 2 of 4 · check-in 17 · reminder``."""
    return f"Week {week} of {term_weeks} · check-in {group_id} · {kind}"


def part_kind(part: int, parts: int) -> str:
    """The marker kind of part ``part`` (1-based) of a reveal in ``parts`` messages."""
    return ANSWERS if parts == 1 else f"{ANSWERS} {part}/{parts}"


NONCE_KINDS = {QUESTIONS: "q", REMINDER: "r", FOLLOW_UP: "f"}


def nonce_word(kind: str) -> str:
    """A short lowercase word for a marker kind, for message nonces (``answers 2/3`` -> a2)."""
    if kind in NONCE_KINDS:
        return NONCE_KINDS[kind]
    number = kind.removeprefix(ANSWERS).strip().split("/")[0]
    return f"a{number or 1}"


# -- packing ---------------------------------------------------------------------------------


def pack_sizes(sizes: Sequence[int], *, budget: int, max_items: int) -> list[list[int]]:
    """Indices of ``sizes`` grouped in order into as few groups as fit ``budget`` and
    ``max_items`` each; an item too big on its own still gets a group of its own."""
    groups: list[list[int]] = []
    used = 0
    for index, size in enumerate(sizes):
        if groups and len(groups[-1]) < max_items and used + size <= budget:
            groups[-1].append(index)
            used += size
        else:
            groups.append([index])
            used = size
    return groups
