"""Content-check rules for help resources: sources, freshness, coverage, lookups.

Wrong crisis numbers harm people, so every entry carries the page it was checked against and
when; anything not re-checked within 12 months fails the check until a person verifies it again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

from bot.content.check_learn import is_https_url
from bot.content.errors import problem
from bot.content.library import normalise_name
from bot.content.limits import LIMITS
from bot.content.loaded import LoadedContent
from bot.content.report import CheckReport
from bot.content.vocab import INTL, ContactMethod, ResourceKind

STALE_AFTER_MONTHS = 12
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# Countries where English is an official or majority language; the library must also cover at
# least one country outside this set, so the check notices an English-only library.
# fmt: off
ENGLISH_SPEAKING = frozenset({
    "US", "GB", "IE", "AU", "NZ", "CA", "IN", "ZA", "SG", "JM", "TT", "BB", "BS", "BZ", "GY",
    "PH", "NG", "GH", "KE", "UG", "ZW", "ZM", "MT", "LR", "SL", "GM", "BW", "NA", "PK", "FJ",
    "PG", "MU",
})
# fmt: on


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to that month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def _check_verified(
    report: CheckReport, file: str, ident: str, verified: date, today: date
) -> None:
    if verified > today:
        report.problems.append(
            problem(file, ident, "verified", f"{verified} is in the future (today is {today})")
        )
    elif verified < months_before(today, STALE_AFTER_MONTHS):
        report.problems.append(
            problem(
                file, ident, "verified",
                f"last verified {verified}, more than {STALE_AFTER_MONTHS} months ago: "
                "check it against its source again",
            )
        )  # fmt: skip


def _length(report: CheckReport, file: str, ident: str, key: str, text: str) -> None:
    reason = LIMITS[key].problem(text)
    if reason:
        report.problems.append(problem(file, ident, key.split(".", 1)[1], reason))


def _contact_problem(method: ContactMethod, value: str) -> str | None:
    if method in (ContactMethod.CALL, ContactMethod.TEXT) and not any(c.isdigit() for c in value):
        return f"a {method.value} contact needs a number, got {value!r}"
    if method is ContactMethod.WEB and not is_https_url(value):
        return f"a web contact must be an https URL, got {value!r}"
    if method is ContactMethod.EMAIL and "@" not in value:
        return f"not an email address: {value!r}"
    return None


def check_resources(
    loaded: LoadedContent,
    report: CheckReport,
    *,
    today: date,
    required_countries: Sequence[str],
    non_english_countries: int,
) -> None:
    """Per-entry rules, then coverage: required countries, a non-English one, an INTL directory."""
    _check_countries(loaded, report, today)
    codes = {c.code for c in loaded.countries}
    for r in loaded.resources:
        if r.country != INTL and r.country not in codes:
            report.problems.append(
                problem(
                    r.file, r.id, "country", f"unknown country {r.country!r} (add a [[country]])"
                )
            )
        _length(report, r.file, r.id, "resource.name", r.name)
        _length(report, r.file, r.id, "resource.description", r.description)
        if not r.contacts:
            report.problems.append(problem(r.file, r.id, "contacts", "needs at least one contact"))
        for contact in r.contacts:
            _length(report, r.file, r.id, "resource.contact", contact.value)
            reason = _contact_problem(contact.method, contact.value)
            if reason:
                report.problems.append(problem(r.file, r.id, "contacts", reason))
        if r.hours is not None:
            _length(report, r.file, r.id, "resource.hours", r.hours)
        elif r.kind is ResourceKind.CRISIS:
            report.problems.append(problem(r.file, r.id, "hours", "a crisis line needs its hours"))
        for language in r.languages:
            if not LANGUAGE_TAG.fullmatch(language):
                report.problems.append(
                    problem(
                        r.file, r.id, "languages", f"{language!r} is not a language tag like 'en'"
                    )
                )
        if not is_https_url(r.source):
            report.problems.append(
                problem(r.file, r.id, "source", f"not an https URL: {r.source!r}")
            )
        _check_verified(report, r.file, r.id, r.verified, today)
    _check_coverage(loaded, report, required_countries, non_english_countries)


def _check_countries(loaded: LoadedContent, report: CheckReport, today: date) -> None:
    names: dict[str, str] = {}
    for c in loaded.countries:
        if not COUNTRY_CODE.fullmatch(c.code):
            report.problems.append(
                problem(c.file, c.code, "code", "must be an ISO 3166-1 alpha-2 code like 'US'")
            )
        _length(report, c.file, c.code, "country.name", c.name)
        for alias in c.aliases:
            _length(report, c.file, c.code, "country.aliases", alias)
        _length(report, c.file, c.code, "country.emergency", c.emergency)
        if not any(ch.isdigit() for ch in c.emergency):
            report.problems.append(problem(c.file, c.code, "emergency", "must contain a number"))
        if not is_https_url(c.emergency_source):
            report.problems.append(
                problem(
                    c.file, c.code, "emergency_source", f"not an https URL: {c.emergency_source!r}"
                )
            )
        _check_verified(report, c.file, c.code, c.verified, today)
        # Autocomplete resolves a typed name to one country, so names and aliases must be unique.
        for name in {normalise_name(n) for n in (c.code, c.name, *c.aliases)}:
            other = names.setdefault(name, c.code)
            if other != c.code:
                report.problems.append(
                    problem(c.file, c.code, "aliases", f"{name!r} also names {other}")
                )


def _check_coverage(
    loaded: LoadedContent,
    report: CheckReport,
    required_countries: Sequence[str],
    non_english_countries: int,
) -> None:
    countries = {c.code: c for c in loaded.countries}
    with_crisis = {r.country for r in loaded.resources if r.kind is ResourceKind.CRISIS}
    for code in required_countries:
        if code not in countries:
            report.problems.append(
                problem("resources/", code, None, "required country is missing (no [[country]])")
            )
        elif code not in with_crisis:
            # A number we could not confirm against the service's own page is left out on
            # purpose (a wrong crisis number harms people); the country still gets its emergency
            # number and the international directories, and the gap stays visible here.
            report.warnings.append(
                problem(
                    countries[code].file,
                    code,
                    None,
                    "required country has no verified crisis line: /resources shows its "
                    "emergency number and the international directories instead",
                )
            )
    covered = [c for c in countries if c not in ENGLISH_SPEAKING and c in with_crisis]
    if len(covered) < non_english_countries:
        report.problems.append(
            problem(
                "resources/", None, None,
                f"needs at least {non_english_countries} non-English-speaking country with an "
                f"emergency number and a crisis resource (found {len(covered)})",
            )
        )  # fmt: skip
    if not any(r.country == INTL and r.kind is ResourceKind.DIRECTORY for r in loaded.resources):
        report.problems.append(
            problem("resources/", INTL, None, "no international directory (country = \"INTL\", "
                    "kind = \"directory\"): it is the fallback for every other country")
        )  # fmt: skip
