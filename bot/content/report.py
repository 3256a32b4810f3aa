"""`CheckReport`: the content check's findings and counts, as `python -m bot check` prints them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.content.loaded import LoadedContent
from bot.content.vocab import INTL, Characteristic, Depth, IntimacyType, ResourceKind, StarterFormat


@dataclass(frozen=True, slots=True)
class ContentCounts:
    """How many entries of each kind the library holds."""

    daily: dict[IntimacyType, dict[Depth, int]]
    starters: dict[StarterFormat, dict[Depth, int]]
    checkin: dict[Characteristic, dict[Depth, int]]
    resources: dict[str, dict[ResourceKind, int]]  # country code (or INTL) -> kind -> count

    @property
    def daily_total(self) -> int:
        """All daily prompts."""
        return sum(sum(row.values()) for row in self.daily.values())

    @property
    def starters_total(self) -> int:
        """All starters."""
        return sum(sum(row.values()) for row in self.starters.values())

    @property
    def checkin_total(self) -> int:
        """All check-in questions."""
        return sum(sum(row.values()) for row in self.checkin.values())


def count_content(loaded: LoadedContent) -> ContentCounts:
    """Count the entries of `loaded` per type x depth, format x depth, characteristic x depth."""
    daily = {t: dict.fromkeys(Depth, 0) for t in IntimacyType}
    for prompt in loaded.prompts:
        daily[prompt.type][prompt.depth] += 1
    starters = {f: dict.fromkeys(Depth, 0) for f in StarterFormat}
    for starter in loaded.starters:
        starters[starter.format][starter.depth] += 1
    checkin = {c: dict.fromkeys(Depth, 0) for c in Characteristic}
    for question in loaded.checkin_questions:
        checkin[question.characteristic][question.depth] += 1
    codes = [c.code for c in loaded.countries] + [INTL]
    resources = {code: dict.fromkeys(ResourceKind, 0) for code in codes}
    for resource in loaded.resources:
        resources.setdefault(resource.country, dict.fromkeys(ResourceKind, 0))
        resources[resource.country][resource.kind] += 1
    return ContentCounts(daily, starters, checkin, resources)


def _table(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    body = [list(map(str, header)), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in body) for i in range(len(header))]
    lines = [title]
    for row in body:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells))
    return "\n".join(lines)


def _depth_rows(table: dict[str, dict[Depth, int]], *, share: bool = False) -> list[list[object]]:
    grand = sum(sum(row.values()) for row in table.values()) or 1
    rows: list[list[object]] = []
    for name, row in table.items():
        total = sum(row.values())
        cells: list[object] = [name, *row.values(), total]
        if share:
            cells.append(f"{100 * total / grand:.1f}%")
        rows.append(cells)
    totals = [sum(row[d] for row in table.values()) for d in Depth]
    rows.append(["total", *totals, sum(totals), *(["100%"] if share else [])])
    return rows


@dataclass
class CheckReport:
    """Problems (the check fails), warnings (worth a look) and counts."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: ContentCounts | None = None

    @property
    def ok(self) -> bool:
        """True when there is no problem (warnings allowed)."""
        return not self.problems

    def render(self) -> str:
        """The counts tables, then the problems and warnings, as plain text."""
        parts: list[str] = []
        if self.counts is not None:
            depths = [f"d{d.value}" for d in Depth]
            parts.append(
                _table(
                    "Daily prompts (type x depth)",
                    ["type", *depths, "total", "share"],
                    _depth_rows({k.value: v for k, v in self.counts.daily.items()}, share=True),
                )
            )
            parts.append(
                _table(
                    "Starters (format x depth)",
                    ["format", *depths, "total"],
                    _depth_rows({k.value: v for k, v in self.counts.starters.items()}),
                )
            )
            parts.append(
                _table(
                    "Check-in questions (characteristic x depth)",
                    ["characteristic", *depths, "total"],
                    _depth_rows({k.value: v for k, v in self.counts.checkin.items()}),
                )
            )
            kinds = list(ResourceKind)
            parts.append(
                _table(
                    "Resources (country x kind)",
                    ["country", *(k.value for k in kinds)],
                    [
                        [code, *(row[k] for k in kinds)]
                        for code, row in self.counts.resources.items()
                    ],
                )
            )
        parts.append(
            "\n".join([f"Problems: {len(self.problems)}", *(f"  - {p}" for p in self.problems)])
        )
        parts.append(
            "\n".join([f"Warnings: {len(self.warnings)}", *(f"  - {w}" for w in self.warnings)])
        )
        return "\n\n".join(parts)
