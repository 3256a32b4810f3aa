"""Content-check rules for decks: ids, lengths, audience safety, format fields, near-duplicates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from bot.content.errors import problem
from bot.content.limits import LIMITS
from bot.content.loaded import LoadedContent
from bot.content.models import CheckinQuestion, Deck, Prompt, Starter
from bot.content.report import CheckReport
from bot.content.similarity import NEAR_DUPLICATE_SCORE, similar_pairs
from bot.content.unsafe_terms import find_unsafe_terms
from bot.content.vocab import DeckKind, Depth, StarterFormat

ID_PATTERN = re.compile(r"[a-z0-9-]{3,40}")
_NUMBER = r"-\d{4,}"
# Public decks lean light to medium: warn when more than this share of a public deck is deep.
MAX_PUBLIC_DEEP_SHARE = 0.25

Entry = Prompt | Starter | CheckinQuestion


def check_ids(loaded: LoadedContent, report: CheckReport) -> None:
    """Every id has the id format; deck entries follow their deck's prefix convention."""
    ids = [d.id for d in loaded.decks] + [s.id for s in loaded.sources]
    ids += [r.id for r in loaded.resources] + [e.id for e in _entries(loaded)]
    for ident in ids:
        if not ID_PATTERN.fullmatch(ident):
            report.problems.append(
                problem(
                    loaded.file_of(ident), ident, "id",
                    "must be 3-40 characters of lowercase letters, digits and '-'",
                )
            )  # fmt: skip
    for entry in _entries(loaded):
        if isinstance(entry, Prompt):
            prefix = entry.type.id_prefix.rstrip("-")
        else:
            prefix = "st" if isinstance(entry, Starter) else "ci"
        if not re.fullmatch(prefix + _NUMBER, entry.id):
            # A warning, not a problem: published ids are never changed, even if off-convention.
            report.warnings.append(
                problem(loaded.file_of(entry.id), entry.id, "id", f"expected {prefix}-NNNN")
            )


def _entries(loaded: LoadedContent) -> Iterator[Entry]:
    yield from loaded.prompts
    yield from loaded.starters
    yield from loaded.checkin_questions


def _texts_of(entry: Entry) -> Iterator[tuple[str, str]]:
    """(limit key, text) for every text field of an entry that has one."""
    if isinstance(entry, Prompt):
        yield "daily.text", entry.text
    elif isinstance(entry, CheckinQuestion):
        yield "checkin.text", entry.text
        yield "checkin.label", entry.label
    else:
        yield "starter.text", entry.text
        optional = {
            "follow_up": entry.follow_up,
            "ground_rules": entry.ground_rules,
            "reading_window": entry.reading_window,
            "bring_back": entry.bring_back,
        }
        for name, value in optional.items():
            if value is not None:
                yield f"starter.{name}", value
        for position in entry.positions:
            yield "starter.positions", position


def check_decks(loaded: LoadedContent, report: CheckReport) -> None:
    """Deck headers, entry lengths, audience safety, starter format fields, depth mix."""
    decks = {d.id: d for d in loaded.decks}
    for deck in loaded.decks:
        _check_deck_header(deck, report)
    for entry in _entries(loaded):
        deck = decks[entry.deck_id]
        file = deck.file
        for key, text in _texts_of(entry):
            field = key.split(".", 1)[1]
            reason = LIMITS[key].problem(text)
            if reason:
                report.problems.append(problem(file, entry.id, field, reason))
            _check_safety(deck, entry, field, text, report)
        if deck.public and not entry.audience_safe:
            report.problems.append(
                problem(file, entry.id, "audience_safe", "must be true in a public deck")
            )
        if isinstance(entry, Starter):
            _check_starter(file, entry, report)
    for deck in loaded.decks:
        members = [e for e in _entries(loaded) if e.deck_id == deck.id]
        deep = sum(1 for e in members if e.depth is Depth.DEEP)
        if deck.public and members and deep / len(members) > MAX_PUBLIC_DEEP_SHARE:
            report.warnings.append(
                problem(
                    deck.file, deck.id, "depth",
                    f"{deep} of {len(members)} entries are deep (3); public decks lean light to "
                    "medium",
                )
            )  # fmt: skip


def _check_deck_header(deck: Deck, report: CheckReport) -> None:
    stem = PurePosixPath(deck.file).stem
    if deck.id != stem:
        report.problems.append(
            problem(deck.file, deck.id, "id", f"must equal the file stem {stem!r}")
        )
    for name, text in (("title", deck.title), ("description", deck.description)):
        reason = LIMITS[f"deck.{name}"].problem(text)
        if reason:
            report.problems.append(problem(deck.file, deck.id, name, reason))
        # The description is moderator-facing (/deck stats), so "non-sexual" may stand there.
        if deck.public and name == "title":
            for term in find_unsafe_terms(text):
                report.problems.append(
                    problem(deck.file, deck.id, name, f"unsafe term {term!r} in a public deck")
                )
    if deck.kind is DeckKind.CHECKIN and deck.public:
        report.warnings.append(
            problem(deck.file, deck.id, "public", "check-in questions are for private pair spaces")
        )


def _check_safety(deck: Deck, entry: Entry, field: str, text: str, report: CheckReport) -> None:
    for term in find_unsafe_terms(text):
        if deck.public:
            report.problems.append(
                problem(deck.file, entry.id, field, f"unsafe term {term!r} in a public deck")
            )
        elif entry.audience_safe:
            report.warnings.append(
                problem(
                    deck.file, entry.id, field,
                    f"term {term!r} in an entry marked audience_safe = true",
                )
            )  # fmt: skip


def _check_starter(file: str, starter: Starter, report: CheckReport) -> None:
    def fail(field: str, message: str) -> None:
        report.problems.append(problem(file, starter.id, field, message))

    if starter.depth is Depth.DEEP:
        fail("depth", "starters are depth 1 or 2")
    debate = starter.format is StarterFormat.RESPECTFUL_DEBATE
    book = starter.format is StarterFormat.BOOK_ARTICLE
    if debate:
        if len(starter.positions) != 2:
            fail(
                "positions", f"a respectful-debate needs exactly two, got {len(starter.positions)}"
            )
        if starter.ground_rules is None:
            fail("ground_rules", "a respectful-debate needs ground rules")
    else:
        if starter.positions:
            fail("positions", "only respectful-debate starters have positions")
        if starter.ground_rules is not None:
            fail("ground_rules", "only respectful-debate starters have ground rules")
    for name, value in (
        ("reading_window", starter.reading_window),
        ("bring_back", starter.bring_back),
    ):
        if book and value is None:
            fail(name, "a book-article starter needs it")
        elif not book and value is not None:
            fail(name, "only book-article starters have it")


def check_near_duplicates(
    loaded: LoadedContent, report: CheckReport, threshold: float = NEAR_DUPLICATE_SCORE
) -> None:
    """No two deck entries anywhere have the same or nearly the same text."""
    entries = [(e.id, e.text) for e in _entries(loaded)]
    for pair in similar_pairs(entries, threshold):
        what = "duplicate" if pair.score >= 100 else f"near-duplicate (score {pair.score:g})"
        # Named by the later entry, usually the one just added.
        report.problems.append(
            f"{loaded.file_of(pair.second_id)}: {pair.second_id}: text: {what} of "
            f"{pair.first_id} ({loaded.file_of(pair.first_id)})"
        )
