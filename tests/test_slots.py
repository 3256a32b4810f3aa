"""Slot arithmetic: a schedule posts once per local date at its wall time, whatever DST does."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slots import (
    DISCORD_NONCE_MAX_LENGTH,
    InvalidTimeError,
    InvalidTimezoneError,
    InvalidWeekdaysError,
    ScheduleInputError,
    Slot,
    catch_up,
    format_weekdays,
    next_slots,
    nonce_for,
    parse_hhmm,
    parse_timezone,
    parse_weekdays,
    slot_for_date,
    slot_nonce,
    slots_between,
    timezone_choices,
)

ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
CHATHAM = ZoneInfo("Pacific/Chatham")
KOLKATA = ZoneInfo("Asia/Kolkata")

# The 2026 clock changes (local dates), as published for each zone.
TRANSITIONS_2026 = {
    "Europe/London": (date(2026, 3, 29), date(2026, 10, 25)),
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Australia/Sydney": (date(2026, 4, 5), date(2026, 10, 4)),
    "Pacific/Chatham": (date(2026, 4, 5), date(2026, 9, 27)),
    "Asia/Kolkata": (),
}

# Slot arithmetic is cheap; a few hundred examples per property keep the file at a few seconds.
PROPERTY = settings(max_examples=150, deadline=None, database=None)


def local(tz: tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return local(UTC, year, month, day, hour, minute)


@cache
def transition_dates(zone: str, year: int) -> tuple[date, ...]:
    """Local dates in ``year`` on which the zone's UTC offset changes (found by scanning)."""
    tz = ZoneInfo(zone)
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        if (
            start.astimezone(tz).utcoffset()
            != (start + timedelta(days=1)).astimezone(tz).utcoffset()
        ):
            found.append(day)
        day += timedelta(days=1)
    return tuple(found)


def expected_fire_at(local_date: date, at: time, tz: ZoneInfo) -> datetime:
    """Independent oracle: the first UTC minute whose local wall time is at or after the target.

    On an ordinary day that is the scheduled time; on a fall-back day its first occurrence; on a
    spring-forward day with the time inside the gap, the first minute after the gap.
    """
    target = datetime.combine(local_date, at)
    instant = (target - timedelta(hours=15)).replace(tzinfo=UTC)
    while instant.astimezone(tz).replace(tzinfo=None) < target:
        instant += timedelta(minutes=1)
    return instant


@st.composite
def zone_and_date(draw: st.DrawFn) -> tuple[str, date]:
    """A zone and a local date, usually on or next to one of that year's clock changes."""
    zone = draw(st.sampled_from(ZONES))
    year = draw(st.sampled_from([2026, 2026, *range(2024, 2031)]))
    changes = transition_dates(zone, year)
    near_change = draw(st.booleans())
    if changes and near_change:
        day = draw(st.sampled_from(changes)) + timedelta(days=draw(st.integers(-1, 1)))
    else:
        day = date(year, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    return zone, day


# Times near the usual change hours (01:00-04:00) are where the bugs live; draw them often.
wall_times = st.one_of(
    st.builds(time, st.integers(1, 3), st.integers(0, 59)),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
)
weekday_sets = st.one_of(st.none(), st.frozensets(st.integers(0, 6), min_size=1))


# ------------------------------------------------------------------------------------------
# slot_for_date


def test_scanned_transitions_match_the_published_2026_dates() -> None:
    for zone, published in TRANSITIONS_2026.items():
        assert transition_dates(zone, 2026) == published


def test_0900_london_stays_0900_local_across_both_2026_clock_changes() -> None:
    at = time(9, 0)
    expected_utc = {
        date(2026, 3, 28): utc(2026, 3, 28, 9),  # GMT
        date(2026, 3, 29): utc(2026, 3, 29, 8),  # BST from 01:00 that morning
        date(2026, 3, 30): utc(2026, 3, 30, 8),
        date(2026, 10, 24): utc(2026, 10, 24, 8),
        date(2026, 10, 25): utc(2026, 10, 25, 9),  # back to GMT at 02:00 that morning
        date(2026, 10, 26): utc(2026, 10, 26, 9),
    }
    for day, instant in expected_utc.items():
        slot = slot_for_date(day, at, LONDON)
        assert slot == Slot(local_date=day, fire_at=instant)
        assert slot.fire_at.astimezone(LONDON).time() == at


def test_time_in_spring_forward_gap_posts_at_first_minute_after_it() -> None:
    cases = [
        (NEW_YORK, date(2026, 3, 8), time(2, 30), local(NEW_YORK, 2026, 3, 8, 3, 0)),
        (NEW_YORK, date(2026, 3, 8), time(2, 0), local(NEW_YORK, 2026, 3, 8, 3, 0)),
        (LONDON, date(2026, 3, 29), time(1, 15), local(LONDON, 2026, 3, 29, 2, 0)),
        (SYDNEY, date(2026, 10, 4), time(2, 59), local(SYDNEY, 2026, 10, 4, 3, 0)),
        (CHATHAM, date(2026, 9, 27), time(3, 0), local(CHATHAM, 2026, 9, 27, 3, 45)),
    ]
    for tz, day, at, wall in cases:
        slot = slot_for_date(day, at, tz)
        assert slot.fire_at == wall.astimezone(UTC)
        assert slot.fire_at.tzinfo is UTC
        assert slot.local_date == day


def test_time_repeated_by_fall_back_posts_once_at_first_occurrence() -> None:
    # 01:30 happens in EDT (-4) and again in EST (-5); the first is 05:30 UTC.
    assert slot_for_date(date(2026, 11, 1), time(1, 30), NEW_YORK).fire_at == utc(
        2026, 11, 1, 5, 30
    )
    # Sydney repeats 02:00-02:59 on 5 April 2026; the first 02:30 is still AEDT (+11).
    assert slot_for_date(date(2026, 4, 5), time(2, 30), SYDNEY).fire_at == utc(2026, 4, 4, 15, 30)
    one_day = slots_between(
        local(NEW_YORK, 2026, 11, 1), local(NEW_YORK, 2026, 11, 2), time(1, 30), NEW_YORK, None
    )
    assert [slot.fire_at for slot in one_day] == [utc(2026, 11, 1, 5, 30)]


def test_zone_without_dst_is_a_fixed_offset() -> None:
    slot = slot_for_date(date(2026, 3, 29), time(9, 0), KOLKATA)
    assert slot.fire_at == utc(2026, 3, 29, 3, 30)


def test_slot_key_is_the_local_date() -> None:
    assert slot_for_date(date(2026, 1, 2), time(23, 30), SYDNEY).key == "2026-01-02"


def test_rejects_naive_instants_and_aware_wall_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_slots(datetime(2026, 1, 1), time(9), LONDON, None, 1)
    with pytest.raises(ValueError, match="wall-clock"):
        slot_for_date(date(2026, 1, 1), time(9, tzinfo=UTC), LONDON)
    with pytest.raises(ValueError, match="non-empty"):
        next_slots(utc(2026, 1, 1), time(9), LONDON, frozenset(), 1)


@PROPERTY
@given(zone_and_date(), wall_times)
def test_posted_instant_shows_the_scheduled_wall_time(case: tuple[str, date], at: time) -> None:
    zone, day = case
    tz = ZoneInfo(zone)
    slot = slot_for_date(day, at, tz)
    assert slot.fire_at == expected_fire_at(day, at, tz)
    shown = slot.fire_at.astimezone(tz)
    if shown.replace(tzinfo=None) != datetime.combine(day, at):
        # Only a gap may move the post, and then only to the minute the gap ends.
        minute_before = (slot.fire_at - timedelta(minutes=1)).astimezone(tz)
        assert minute_before.utcoffset() != shown.utcoffset()
        assert shown.replace(tzinfo=None) > datetime.combine(day, at)


@PROPERTY
@given(zone_and_date(), wall_times, st.integers(1, 10))
def test_exactly_one_slot_per_local_date(case: tuple[str, date], at: time, days: int) -> None:
    zone, first = case
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=tz).astimezone(UTC)
    slots = slots_between(start, end, at, tz, None)
    assert [slot.local_date for slot in slots] == [first + timedelta(days=i) for i in range(days)]
    assert all(slot.fire_at.astimezone(tz).date() == slot.local_date for slot in slots)


# ------------------------------------------------------------------------------------------
# next_slots and slots_between


def test_next_slots_skips_days_not_chosen_and_the_slot_at_the_boundary() -> None:
    after = utc(2026, 3, 27, 9)  # exactly Friday's 09:00 London post: not "after" it
    slots = next_slots(after, time(9), LONDON, frozenset({0, 2, 4}), 3)
    assert [slot.local_date for slot in slots] == [
        date(2026, 3, 30),
        date(2026, 4, 1),
        date(2026, 4, 3),
    ]
    assert all(slot.fire_at.astimezone(LONDON).time() == time(9) for slot in slots)


@PROPERTY
@given(zone_and_date(), wall_times, weekday_sets, st.integers(0, 10), st.integers(0, 86_399))
def test_next_slots_are_the_next_chosen_days_in_order(
    case: tuple[str, date], at: time, weekdays: frozenset[int] | None, count: int, second: int
) -> None:
    zone, day = case
    tz = ZoneInfo(zone)
    after = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=second)
    slots = next_slots(after, at, tz, weekdays, count)
    assert len(slots) == count
    instants = [slot.fire_at for slot in slots]
    assert all(instant > after for instant in instants)
    assert instants == sorted(set(instants))
    assert all(weekdays is None or slot.local_date.weekday() in weekdays for slot in slots)
    if slots:
        # Nothing skipped: these are all the slots between "after" and the last one.
        window = slots_between(after + timedelta(microseconds=1), instants[-1], at, tz, weekdays)
        assert [*window, slots[-1]] == slots


@PROPERTY
@given(zone_and_date(), wall_times, weekday_sets, st.integers(0, 48 * 60))
def test_slots_between_is_half_open(
    case: tuple[str, date], at: time, weekdays: frozenset[int] | None, minutes: int
) -> None:
    zone, day = case
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = start + timedelta(minutes=minutes)
    slots = slots_between(start, end, at, tz, weekdays)
    assert all(start <= slot.fire_at < end for slot in slots)
    wider = slots_between(start - timedelta(days=2), end + timedelta(days=2), at, tz, weekdays)
    assert slots == [slot for slot in wider if start <= slot.fire_at < end]


# ------------------------------------------------------------------------------------------
# catch_up


SIX_HOURS = timedelta(hours=6)


def test_catch_up_posts_a_slot_missed_by_a_short_outage() -> None:
    late, missed = catch_up(local(LONDON, 2026, 3, 29, 9, 40), time(9), LONDON, None, SIX_HOURS)
    assert [slot.key for slot in late] == ["2026-03-29"]
    assert [slot.key for slot in missed] == ["2026-03-27", "2026-03-28"]


def test_catch_up_records_a_slot_older_than_grace_as_missed() -> None:
    late, missed = catch_up(local(LONDON, 2026, 3, 29, 15, 0), time(9), LONDON, None, SIX_HOURS)
    assert late == []
    assert "2026-03-29" in [slot.key for slot in missed]


def test_catch_up_never_posts_after_local_midnight() -> None:
    # 22:00 post, bot back at 00:30: only 2.5 h late, but it is already tomorrow locally.
    now = local(NEW_YORK, 2026, 11, 2, 0, 30)
    late, missed = catch_up(now, time(22), NEW_YORK, None, SIX_HOURS)
    assert late == []
    assert [slot.key for slot in missed][-1] == "2026-11-01"


def test_catch_up_treats_a_slot_due_this_instant_as_postable() -> None:
    now = local(SYDNEY, 2026, 10, 4, 3, 0)  # the 02:30 slot moved to 03:00 by the gap
    late, _ = catch_up(now, time(2, 30), SYDNEY, None, SIX_HOURS)
    assert [slot.fire_at for slot in late] == [now.astimezone(UTC)]


@PROPERTY
@given(
    zone_and_date(),
    wall_times,
    weekday_sets,
    st.integers(0, 86_399),
    st.integers(0, 12 * 60),
    st.integers(0, 4),
)
def test_catch_up_partitions_the_lookback_window(
    case: tuple[str, date],
    at: time,
    weekdays: frozenset[int] | None,
    second: int,
    grace_minutes: int,
    lookback: int,
) -> None:
    zone, day = case
    tz = ZoneInfo(zone)
    now = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=second)
    grace = timedelta(minutes=grace_minutes)
    late, missed = catch_up(now, at, tz, weekdays, grace, lookback)
    window = slots_between(
        now - timedelta(days=lookback), now + timedelta(microseconds=1), at, tz, weekdays
    )
    window = [slot for slot in window if slot.fire_at > now - timedelta(days=lookback)]
    assert sorted(late + missed, key=lambda slot: slot.fire_at) == window
    for slot in late:
        assert now - slot.fire_at < grace
        assert now.astimezone(tz).date() == slot.local_date  # never past local midnight
    for slot in missed:
        assert now - slot.fire_at >= grace or now.astimezone(tz).date() != slot.local_date


# ------------------------------------------------------------------------------------------
# Moderator input


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", time(9)),
        ("09:00", time(9)),
        ("21:30", time(21, 30)),
        (" 0:05 ", time(0, 5)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_hhmm_accepts_24_hour_times(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "9am", "09:60", "24:00", "9", "0900", "", "nine", "9:5", "٠٩:٠٠"]
)
def test_parse_hhmm_rejects_with_a_message_saying_what_to_type(text: str) -> None:
    with pytest.raises(InvalidTimeError) as info:
        parse_hhmm(text)
    assert "use 24-hour HH:MM, e.g. 09:00 or 21:30" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_hhmm_translates_12_hour_input_in_the_hint() -> None:
    with pytest.raises(InvalidTimeError, match="Did you mean 21:30"):
        parse_hhmm("9:30pm")
    with pytest.raises(InvalidTimeError, match="Did you mean 00:15"):
        parse_hhmm("12:15 a.m.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("UTC", "UTC"),
        ("Pacific/Chatham", "Pacific/Chatham"),
        ("  asia/kolkata ", "Asia/Kolkata"),
    ],
)
def test_parse_timezone_accepts_iana_names_in_any_case(text: str, expected: str) -> None:
    assert parse_timezone(text).key == expected


def test_parse_timezone_suggests_close_matches() -> None:
    with pytest.raises(InvalidTimezoneError) as info:
        parse_timezone("Europe/Londn")
    assert info.value.suggestions[0] == "Europe/London"
    assert "Did you mean Europe/London" in str(info.value)
    assert "e.g. Europe/London or America/New_York" in str(info.value)
    with pytest.raises(InvalidTimezoneError) as city:
        parse_timezone("london")
    assert city.value.suggestions[0] == "Europe/London"
    with pytest.raises(InvalidTimezoneError) as abbreviation:
        parse_timezone("PST")
    assert abbreviation.value.suggestions[0] == "America/Los_Angeles"


def test_parse_timezone_rejects_fixed_offset_abbreviations_that_ignore_dst() -> None:
    with pytest.raises(InvalidTimezoneError, match="ignores daylight saving") as info:
        parse_timezone("EST")
    assert "America/New_York" in str(info.value)
    with pytest.raises(InvalidTimezoneError, match="Europe/London"):
        parse_timezone("gmt")


def test_parse_timezone_rejects_nonsense_without_inventing_suggestions() -> None:
    with pytest.raises(ScheduleInputError) as info:
        parse_timezone("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")
    assert len(str(info.value)) < 200  # long input is truncated in the echo
    assert info.value.suggestions == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Monday, Wednesday Friday", frozenset({0, 2, 4})),
        ("weekdays", frozenset(range(5))),
        ("WEEKENDS", frozenset({5, 6})),
        ("daily", None),
        ("", None),
        ("every day", None),
        ("mon-sun", None),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("tues thurs", frozenset({1, 3})),
        ("sat and sun", frozenset({5, 6})),
    ],
)
def test_parse_weekdays_accepts_names_groups_and_ranges(
    text: str, expected: frozenset[int] | None
) -> None:
    assert parse_weekdays(text) == expected


def test_parse_weekdays_names_every_unknown_word() -> None:
    with pytest.raises(InvalidWeekdaysError) as info:
        parse_weekdays("mon, mnd, funday")
    assert info.value.unknown == ["mnd", "funday"]
    message = str(info.value)
    assert "'mnd' or 'funday'" in message
    assert "e.g. mon,wed,fri" in message


@settings(max_examples=100, deadline=None, database=None)
@given(weekday_sets)
def test_format_weekdays_reads_back(weekdays: frozenset[int] | None) -> None:
    normalised = None if weekdays == frozenset(range(7)) else weekdays
    assert parse_weekdays(format_weekdays(weekdays)) == normalised


def test_format_weekdays_names() -> None:
    assert format_weekdays(None) == "daily"
    assert format_weekdays(frozenset({4, 0, 2})) == "mon,wed,fri"
    assert format_weekdays(frozenset(range(5))) == "weekdays"


def test_timezone_choices_rank_city_prefixes_first() -> None:
    assert timezone_choices("lon")[0] == "Europe/London"
    assert timezone_choices("new york")[0] == "America/New_York"
    assert timezone_choices("Kolk") == ["Asia/Kolkata"]
    assert timezone_choices("europe/", limit=5) == sorted(
        timezone_choices("europe/", limit=5), key=len
    )
    assert timezone_choices("utc")[0] == "UTC"
    assert len(timezone_choices("a")) == 25
    assert len(timezone_choices("")) > 5
    assert "EST" not in timezone_choices("est")


def test_every_timezone_choice_parses() -> None:
    for query in ["", "a", "america", "lon", "pacific", "gmt", "us", "est"]:
        for name in timezone_choices(query):
            assert parse_timezone(name).key == name


# ------------------------------------------------------------------------------------------
# Nonces


def test_nonce_fits_discord_limit_for_any_schedule_id_and_date() -> None:
    for schedule_id in (0, 1, 10**9, 2**53, 2**63 - 1):
        for day in (date.min, date(2026, 3, 29), date.max):
            nonce = nonce_for(schedule_id, day)
            assert len(nonce) <= DISCORD_NONCE_MAX_LENGTH
            assert nonce == nonce_for(schedule_id, day)  # a retry carries the same nonce


def test_nonce_is_distinct_per_schedule_and_date() -> None:
    start = date(2026, 1, 1)
    # 35/36 and 1295/1296 are where base 36 gains a digit.
    schedule_ids = {*range(40), 1295, 1296, 2**62}
    nonces = {
        nonce_for(schedule_id, start + timedelta(days=offset))
        for schedule_id in schedule_ids
        for offset in range(400)
    }
    assert len(nonces) == len(schedule_ids) * 400


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1), st.dates(), st.dates())
def test_nonce_differs_whenever_the_slot_differs(a: int, b: int, day_a: date, day_b: date) -> None:
    assert (nonce_for(a, day_a) == nonce_for(b, day_b)) == ((a, day_a) == (b, day_b))


def test_slot_nonce_validates_parts_and_length() -> None:
    assert slot_nonce("p", 12, date(2026, 3, 2)) == "p-c-20260302"
    with pytest.raises(ValueError, match="longer than 25"):
        slot_nonce("pair", 2**63, 2**63)
    with pytest.raises(ValueError, match="negative"):
        slot_nonce("s", -1)
    with pytest.raises(ValueError, match="lowercase"):
        slot_nonce("s", "a-b")
    with pytest.raises(ValueError, match="not datetimes"):
        slot_nonce("s", datetime(2026, 1, 1))
