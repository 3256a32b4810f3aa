"""Slot arithmetic for schedules that post at a local wall-clock time in an IANA timezone.

A schedule says "post at HH:MM in zone Z, every day or on chosen weekdays". Each local date the
schedule runs on is one *slot*: the delivery ledger keys rows by (schedule, slot key), so a slot
must map to exactly one UTC instant whatever daylight-saving does that day:

* a wall time that does not exist (spring forward) posts at the first valid minute after the gap;
* a wall time that happens twice (fall back) posts once, at its first occurrence.

Everything here is pure: time is always a parameter, nothing reads the clock, nothing touches
Discord or the database. The parsing helpers raise ``ScheduleInputError`` (a ``ValueError``) whose
text is written for the moderator who typed the input.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

__all__ = [
    "DISCORD_NONCE_MAX_LENGTH",
    "InvalidTimeError",
    "InvalidTimezoneError",
    "InvalidWeekdaysError",
    "ScheduleInputError",
    "Slot",
    "catch_up",
    "format_weekdays",
    "next_slots",
    "nonce_for",
    "parse_hhmm",
    "parse_timezone",
    "parse_weekdays",
    "slot_for_date",
    "slot_nonce",
    "slots_between",
    "timezone_choices",
]

DISCORD_NONCE_MAX_LENGTH = 25
"""Discord rejects message nonces longer than this."""

_ONE_DAY = timedelta(days=1)
_ALL_DAYS = frozenset(range(7))
_WORKDAYS = frozenset(range(5))
_WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class Slot:
    """One scheduled post: the local date it belongs to and the UTC instant it fires."""

    local_date: date
    fire_at: datetime

    @property
    def key(self) -> str:
        """Stable ledger key: one slot per (schedule, local date), so the date is the key."""
        return self.local_date.isoformat()


# --------------------------------------------------------------------------------------------
# Slot arithmetic


def slot_for_date(local_date: date, at: time, tz: ZoneInfo) -> Slot:
    """Return the slot for wall time ``at`` on ``local_date`` in ``tz``.

    A time inside a spring-forward gap fires at the first valid minute after the gap
    (02:30 America/New_York on the change day -> 03:00 EDT); a time repeated by a fall-back
    fires once, at its first occurrence (fold=0).
    """
    _require_wall_time(at)
    wall = datetime.combine(local_date, at)
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    # A wall time exists iff it survives the round trip; inside a gap zoneinfo silently shifts it.
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        instant = _end_of_gap(wall, tz)
    return Slot(local_date=local_date, fire_at=instant)


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant at which the gap containing the nonexistent ``wall`` ends.

    fold=1 reads ``wall`` with the offset after the change and fold=0 with the one before, so
    the transition lies between the two readings; binary search finds it to the second.
    """
    early = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    late = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    after_offset = late.astimezone(tz).utcoffset()
    lo, hi = int(early.timestamp()), int(late.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    first_valid = datetime.fromtimestamp(hi, UTC)
    # Historical zones changed at odd seconds; posts happen on whole local minutes.
    seconds = first_valid.astimezone(tz).second
    if seconds:
        first_valid += timedelta(seconds=60 - seconds)
    return first_valid


def next_slots(
    after: datetime, at: time, tz: ZoneInfo, weekdays: frozenset[int] | None, count: int
) -> list[Slot]:
    """The next ``count`` slots firing strictly after ``after``, in increasing order.

    ``weekdays`` uses Monday=0 and means the weekday of the slot's *local* date; None is daily.
    """
    _require_aware(after, "after")
    _require_weekdays(weekdays)
    slots: list[Slot] = []
    # Start a day early: a slot's instant can fall on the next UTC date, or the next local date
    # when a gap swallows the rest of the day.
    day = after.astimezone(tz).date() - _ONE_DAY
    while len(slots) < count:
        if weekdays is None or day.weekday() in weekdays:
            slot = slot_for_date(day, at, tz)
            if slot.fire_at > after:
                slots.append(slot)
        day += _ONE_DAY
    return slots


def slots_between(
    start: datetime, end: datetime, at: time, tz: ZoneInfo, weekdays: frozenset[int] | None
) -> list[Slot]:
    """Slots whose instant lies in the half-open interval [start, end), in order."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    return [s for s in _slots_around(start, end, at, tz, weekdays) if start <= s.fire_at < end]


def catch_up(
    now: datetime,
    at: time,
    tz: ZoneInfo,
    weekdays: frozenset[int] | None,
    grace: timedelta,
    lookback_days: int = 2,
) -> tuple[list[Slot], list[Slot]]:
    """Split the slots due by ``now`` into (post late, record as missed).

    Looks at slots with ``now - lookback_days < fire_at <= now``. A slot is still worth posting
    when it is less than ``grace`` late *and* its local date has not ended: a "good morning"
    prompt posted after local midnight would be about the wrong day. Everything else in the
    window is missed. The caller drops slots the ledger already holds.
    """
    _require_aware(now, "now")
    if lookback_days < 0:
        raise ValueError("lookback_days must not be negative")
    # Arithmetic on an aware local datetime is wall-clock arithmetic; the window is elapsed time.
    now = now.astimezone(UTC)
    since = now - timedelta(days=lookback_days)
    today = now.astimezone(tz).date()
    late: list[Slot] = []
    missed: list[Slot] = []
    for slot in _slots_around(since, now, at, tz, weekdays):
        if not since < slot.fire_at <= now:
            continue
        if now - slot.fire_at < grace and slot.local_date == today:
            late.append(slot)
        else:
            missed.append(slot)
    return late, missed


def _slots_around(
    start: datetime, end: datetime, at: time, tz: ZoneInfo, weekdays: frozenset[int] | None
) -> Iterator[Slot]:
    """Every slot of the local dates touching [start, end], one day of margin either side."""
    _require_weekdays(weekdays)
    day = start.astimezone(tz).date() - _ONE_DAY
    last = end.astimezone(tz).date() + _ONE_DAY
    while day <= last:
        if weekdays is None or day.weekday() in weekdays:
            yield slot_for_date(day, at, tz)
        day += _ONE_DAY


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _require_wall_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError("the schedule time is a wall-clock time: pass a time without tzinfo")


def _require_weekdays(weekdays: frozenset[int] | None) -> None:
    # An empty set would never fire; next_slots would loop forever looking for a slot.
    if weekdays is not None and (not weekdays or not weekdays <= _ALL_DAYS):
        raise ValueError("weekdays must be None (daily) or a non-empty subset of 0..6")


# --------------------------------------------------------------------------------------------
# Moderator input


class ScheduleInputError(ValueError):
    """Input a moderator typed that cannot be used; ``str(error)`` tells them what to type."""


class InvalidTimeError(ScheduleInputError):
    """A time that is not 24-hour HH:MM."""


class InvalidTimezoneError(ScheduleInputError):
    """A timezone that is not an IANA name this bot accepts."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class InvalidWeekdaysError(ScheduleInputError):
    """A days list containing words that are not days."""

    def __init__(self, message: str, unknown: list[str]) -> None:
        super().__init__(message)
        self.unknown = unknown


def _quote(text: str, limit: int = 40) -> str:
    """Echo user input back briefly: a pasted essay must not blow up an error message."""
    text = text.strip()
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TWELVE_HOUR = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*([ap])\.?\s*m\.?", re.IGNORECASE)
_TIME_HELP = "use 24-hour HH:MM, e.g. 09:00 or 21:30"


def parse_hhmm(text: str) -> time:
    """Parse a 24-hour ``H:MM`` or ``HH:MM`` time ("9:00", "09:00", "21:30")."""
    match = _HHMM.fullmatch(text.strip())
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    message = f"{_quote(text)} is not a time I can use: {_TIME_HELP}."
    twelve = _TWELVE_HOUR.fullmatch(text.strip())
    if twelve and 1 <= int(twelve[1]) <= 12 and int(twelve[2] or 0) < 60:
        hour = int(twelve[1]) % 12 + (12 if twelve[3].lower() == "p" else 0)
        message += f" Did you mean {hour:02d}:{int(twelve[2] or 0):02d}?"
    raise InvalidTimeError(message)


# Fixed-offset zones that people type meaning a place that observes daylight saving: accepting
# them would post an hour off for half the year, the exact bug schedules exist to avoid.
_FIXED_OFFSET_TRAPS = {
    "EST": "America/New_York",
    "MST": "America/Denver",
    "GMT": "Europe/London",
}
# Common abbreviations that are not zone names at all, mapped to the likeliest place.
_ABBREVIATION_HINTS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MDT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "EDT": "America/New_York",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
    "CEST": "Europe/Berlin",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}
_POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Manila",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Johannesburg",
)
# Pre-2000 aliases and POSIX-style names: valid, but a region/city name is what people want.
_LEGACY_PREFIXES = ("Etc/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/", "SystemV/")
_TZ_EXAMPLE = "e.g. Europe/London or America/New_York"


@dataclass(frozen=True)
class _Zone:
    name: str
    lower: str
    city: str
    legacy: bool


@dataclass(frozen=True)
class _ZoneIndex:
    zones: tuple[_Zone, ...]
    by_lower: dict[str, str]


@cache
def _zone_index() -> _ZoneIndex:
    """Every usable zone name, sorted, with the lowercase forms autocomplete compares against.

    Built once: listing tzdata touches the filesystem, autocomplete runs on every keystroke.
    """
    names = sorted(
        name
        for name in available_timezones()
        if name not in {"Factory", "localtime"} and name not in _FIXED_OFFSET_TRAPS
    )
    zones = tuple(
        _Zone(
            name=name,
            lower=name.lower(),
            city=name.rsplit("/", 1)[-1].lower(),
            legacy="/" not in name or name.startswith(_LEGACY_PREFIXES),
        )
        for name in names
    )
    return _ZoneIndex(zones=zones, by_lower={zone.lower: zone.name for zone in zones})


def _normalise_zone_text(text: str) -> str:
    # IANA names use underscores for spaces; people type "new york".
    return "_".join(text.strip().lower().split())


def parse_timezone(name: str) -> ZoneInfo:
    """Resolve an IANA timezone name, case-insensitively ("europe/london" -> Europe/London).

    Rejects names zoneinfo does not know and the fixed-offset abbreviations EST, MST and GMT
    (they never change for daylight saving, which is rarely what the person typing them means).
    """
    wanted = _normalise_zone_text(name)
    canonical = _zone_index().by_lower.get(wanted)
    if canonical is not None:
        return ZoneInfo(canonical)
    trap = _FIXED_OFFSET_TRAPS.get(wanted.upper())
    if trap is not None:
        raise InvalidTimezoneError(
            f"{_quote(name)} is a fixed UTC offset that ignores daylight saving, so posts would "
            f"be an hour off for half the year. Use a place name instead, e.g. {trap} "
            "(or UTC if you really want a fixed time).",
            [trap, "UTC"],
        )
    suggestions = _suggest_zones(name)
    message = f"I don't know the timezone {_quote(name)}. Use an IANA name, {_TZ_EXAMPLE}."
    if suggestions:
        message += f" Did you mean {_or_list(suggestions)}?"
    raise InvalidTimezoneError(message, suggestions)


def _suggest_zones(name: str, limit: int = 3) -> list[str]:
    """Close matches for a mistyped zone: known abbreviations, then substrings, then spelling."""
    wanted = _normalise_zone_text(name)
    if not wanted:
        return []
    found: list[str] = []
    hint = _ABBREVIATION_HINTS.get(wanted.upper())
    if hint is not None:
        found.append(hint)
    found.extend(timezone_choices(wanted, limit=limit))
    # Spelling suggestions only point at region/city names: "PST" -> "HST" helps nobody.
    places = [zone for zone in _zone_index().zones if not zone.legacy]
    full = {zone.lower: zone.name for zone in places}
    found.extend(full[match] for match in difflib.get_close_matches(wanted, list(full), n=limit))
    # City-only spelling mistakes ("londn") are far from the full name but close to the city.
    cities: dict[str, str] = {}
    for zone in places:
        cities.setdefault(zone.city, zone.name)
    found.extend(
        cities[match] for match in difflib.get_close_matches(wanted, list(cities), n=limit)
    )
    return list(dict.fromkeys(found))[:limit]


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def timezone_choices(query: str, limit: int = 25) -> list[str]:
    """Autocomplete: IANA names matching ``query``, best first (at most ``limit``).

    Ranking: exact name, then city prefix ("lon" -> Europe/London), then name prefix
    ("europe/l"), then substring anywhere; region/city names before legacy aliases, then
    shorter names. An empty query lists widely used zones.
    """
    wanted = _normalise_zone_text(query)
    if not wanted:
        return list(_POPULAR_ZONES[:limit])
    ranked: list[tuple[int, bool, int, str]] = []
    for zone in _zone_index().zones:
        if zone.lower == wanted:
            rank = 0
        elif zone.city.startswith(wanted):
            rank = 1
        elif zone.lower.startswith(wanted):
            rank = 2
        elif wanted in zone.lower:
            rank = 3
        else:
            continue
        ranked.append((rank, zone.legacy, len(zone.name), zone.name))
    ranked.sort()
    return [name for *_, name in ranked[:limit]]


_DAY_SHORT = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS: dict[str, frozenset[int]] = {
    **{short: frozenset({i}) for i, short in enumerate(_DAY_SHORT)},
    **{
        full: frozenset({i})
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": frozenset({1}),
    "weds": frozenset({2}),
    "thur": frozenset({3}),
    "thurs": frozenset({3}),
    "daily": _ALL_DAYS,
    "everyday": _ALL_DAYS,
    "weekdays": _WORKDAYS,
    "weekday": _WORKDAYS,
    "weekends": _WEEKEND,
    "weekend": _WEEKEND,
}
_DAYS_HELP = "use day names with commas, e.g. mon,wed,fri, or one of daily, weekdays, weekends"


def parse_weekdays(text: str) -> frozenset[int] | None:
    """Parse a days list into weekday numbers (Monday=0); None means every day.

    Accepts 3-letter and full day names, "weekdays", "weekends", "daily" (or nothing), and
    ranges like "mon-fri", separated by commas or spaces, in any case.
    """
    normalised = " ".join(text.lower().split())
    if normalised in {"", "every day", "all days"}:
        return None
    days: set[int] = set()
    unknown: list[str] = []
    for token in re.split(r"[\s,;/&+]+", normalised):
        if not token or token == "and":
            continue
        chosen = _DAY_WORDS.get(token)
        if chosen is None:
            chosen = _day_range(token)
        if chosen is None:
            unknown.append(token)
        else:
            days |= chosen
    if unknown:
        names = _or_list([_quote(token, 20) for token in dict.fromkeys(unknown)])
        raise InvalidWeekdaysError(f"I don't recognise {names} as a day: {_DAYS_HELP}.", unknown)
    return None if days == _ALL_DAYS else frozenset(days)


def _day_range(token: str) -> frozenset[int] | None:
    """A range like "mon-fri" or "fri-mon" (wrapping over the weekend), else None."""
    first, sep, last = token.partition("-")
    start, end = _DAY_WORDS.get(first), _DAY_WORDS.get(last)
    if not sep or start is None or end is None or len(start) != 1 or len(end) != 1:
        return None
    (a,), (b,) = start, end
    return frozenset((a + i) % 7 for i in range((b - a) % 7 + 1))


def format_weekdays(weekdays: frozenset[int] | None) -> str:
    """Render weekdays the way ``parse_weekdays`` reads them back ("daily", "mon,wed,fri")."""
    if weekdays is None or weekdays == _ALL_DAYS:
        return "daily"
    if weekdays == _WORKDAYS:
        return "weekdays"
    if weekdays == _WEEKEND:
        return "weekends"
    _require_weekdays(weekdays)
    return ",".join(_DAY_SHORT[day] for day in sorted(weekdays))


# --------------------------------------------------------------------------------------------
# Message nonces

_NONCE_WORD = re.compile(r"[a-z0-9]+")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def slot_nonce(kind: str, *parts: int | str | date) -> str:
    """A Discord message nonce naming one slot of some ledger, e.g. ``slot_nonce("p", 7, 2950)``.

    Deterministic, so a retried send carries the same nonce and Discord (with enforce_nonce)
    returns the first message instead of creating a second. Distinct for distinct parts of the
    same kind and types: ints are base 36, dates YYYYMMDD, words lowercase [a-z0-9], joined
    by "-" which no part contains. Raises ValueError past Discord's 25-character limit.
    """
    if not _NONCE_WORD.fullmatch(kind):
        raise ValueError(f"nonce kind must be lowercase letters/digits, got {kind!r}")
    nonce = "-".join([kind, *(_nonce_part(part) for part in parts)])
    if len(nonce) > DISCORD_NONCE_MAX_LENGTH:
        raise ValueError(f"nonce {nonce!r} is longer than {DISCORD_NONCE_MAX_LENGTH} characters")
    return nonce


def _nonce_part(part: int | str | date) -> str:
    if isinstance(part, datetime):
        raise ValueError("nonce parts are dates, not datetimes: a slot is a local date")
    if isinstance(part, date):
        return part.strftime("%Y%m%d")
    if isinstance(part, bool):
        raise ValueError("a bool is not a nonce part")
    if isinstance(part, int):
        if part < 0:
            raise ValueError("nonce ints must not be negative")
        digits = ""
        while True:
            part, digit = divmod(part, 36)
            digits = _BASE36[digit] + digits
            if not part:
                return digits
    if not _NONCE_WORD.fullmatch(part):
        raise ValueError(f"nonce words must be lowercase letters/digits, got {part!r}")
    return part


def nonce_for(schedule_id: int, local_date: date) -> str:
    """The nonce for a schedule's post on a local date: at most 24 characters for any id < 2**63."""
    return slot_nonce("s", schedule_id, local_date)
