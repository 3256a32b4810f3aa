"""The content check: every rule of `prompts/README.md`, run over the whole library.

`check_library` never raises on bad content: schema problems from the loader and rule violations
all land in one `CheckReport`, each naming the file, the entry id and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.check_decks import check_decks, check_ids, check_near_duplicates
from bot.content.check_learn import check_flow_texts, check_learn
from bot.content.check_resources import check_resources
from bot.content.errors import problem
from bot.content.loaded import LoadedContent
from bot.content.loader import read_content
from bot.content.report import CheckReport, ContentCounts, count_content
from bot.content.similarity import NEAR_DUPLICATE_SCORE
from bot.content.vocab import Characteristic, Depth, StarterFormat

__all__ = ["CheckReport", "Minimums", "check_library", "check_loaded"]


@dataclass(frozen=True, slots=True)
class Minimums:
    """Size and balance rules; the defaults are the real library's, tests pass smaller ones."""

    daily_total: int = 400
    daily_type_share_min: float = 0.10
    daily_type_share_max: float = 0.40
    starters_total: int = 250
    starters_per_format: int = 20
    checkin_total: int = 60
    required_countries: tuple[str, ...] = ("US", "CA", "GB", "IE", "AU", "NZ", "IN")
    non_english_countries: int = 1


def check_library(
    root: Path | None = None,
    *,
    today: date,
    minimums: Minimums | None = None,
    near_duplicate_score: float = NEAR_DUPLICATE_SCORE,
) -> CheckReport:
    """Load `root` (default: the repo's `prompts/`) and check every content rule."""
    return check_loaded(
        read_content(root),
        today=today,
        minimums=minimums,
        near_duplicate_score=near_duplicate_score,
    )


def check_loaded(
    loaded: LoadedContent,
    *,
    today: date,
    minimums: Minimums | None = None,
    near_duplicate_score: float = NEAR_DUPLICATE_SCORE,
) -> CheckReport:
    """Check already-read content (its loader problems are carried into the report)."""
    rules = minimums or Minimums()
    report = CheckReport(problems=list(loaded.problems))
    report.counts = count_content(loaded)
    check_ids(loaded, report)
    check_decks(loaded, report)
    check_near_duplicates(loaded, report, near_duplicate_score)
    _check_balance(report.counts, rules, report)
    check_flow_texts(loaded, report)
    check_learn(loaded, report)
    check_resources(
        loaded,
        report,
        today=today,
        required_countries=rules.required_countries,
        non_english_countries=rules.non_english_countries,
    )
    return report


def _check_balance(counts: ContentCounts, rules: Minimums, report: CheckReport) -> None:
    def fail(where: str, message: str) -> None:
        report.problems.append(problem("decks/", where, None, message))

    total = counts.daily_total
    if total < rules.daily_total:
        fail("daily", f"{total} daily prompts, need at least {rules.daily_total}")
    for type_, row in counts.daily.items():
        share = sum(row.values()) / total if total else 0.0
        if not rules.daily_type_share_min <= share <= rules.daily_type_share_max:
            fail(
                f"daily {type_.value}",
                f"{share:.0%} of daily prompts, need "
                f"{rules.daily_type_share_min:.0%}-{rules.daily_type_share_max:.0%}",
            )
    if counts.starters_total < rules.starters_total:
        fail("starters", f"{counts.starters_total} starters, need at least {rules.starters_total}")
    for format_ in StarterFormat:
        size = sum(counts.starters[format_].values())
        if size < rules.starters_per_format:
            fail(f"starters {format_.value}", f"{size} starters, need {rules.starters_per_format}")
    if counts.checkin_total < rules.checkin_total:
        fail("checkin", f"{counts.checkin_total} questions, need at least {rules.checkin_total}")
    for characteristic in Characteristic:
        row = counts.checkin[characteristic]
        if not sum(row.values()):
            fail(f"checkin {characteristic.value}", "no check-in question has this characteristic")
        missing = [str(d.value) for d in Depth if not row[d]]
        if sum(row.values()) and missing:
            # The picker then falls back to a lighter question, so this only needs a look.
            report.warnings.append(
                problem(
                    "decks/", f"checkin {characteristic.value}", None,
                    f"no question at depth {', '.join(missing)}",
                )
            )  # fmt: skip
    for depth in Depth:
        if counts.checkin_total and not sum(row[depth] for row in counts.checkin.values()):
            fail(f"checkin depth {depth.value}", "no check-in question has this depth")
