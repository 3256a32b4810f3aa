"""Content-check rules for `learn/` (explainers and sources) and the check-in flow texts."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.content.errors import problem
from bot.content.limits import LIMITS
from bot.content.loaded import LoadedContent
from bot.content.report import CheckReport
from bot.content.vocab import BarrierKey, Characteristic, IntimacyType

EXAMPLES_RANGE = (2, 6)
STEPS_RANGE = (3, 5)


def is_https_url(value: str) -> bool:
    """True for an absolute https URL with a host and no whitespace."""
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc) and not any(c.isspace() for c in value)


def _lengths(
    report: CheckReport, file: str, ident: str, kind: str, fields: dict[str, str | Sequence[str]]
) -> None:
    for name, value in fields.items():
        for text in [value] if isinstance(value, str) else value:
            reason = LIMITS[f"{kind}.{name}"].problem(text)
            if reason:
                report.problems.append(problem(file, ident, name, reason))


def check_learn(loaded: LoadedContent, report: CheckReport) -> None:
    """Completeness, lengths, list sizes and source references of the learn content."""
    known_sources = {s.id for s in loaded.sources}
    cited: set[str] = set()

    def cite(file: str, ident: str, sources: Sequence[str], *, required: bool) -> None:
        cited.update(sources)
        for source_id in sources:
            if source_id not in known_sources:
                report.problems.append(
                    problem(file, ident, "sources", f"unknown source {source_id!r}")
                )
        if required and not sources:
            report.problems.append(problem(file, ident, "sources", "must cite at least one source"))

    _check_present(loaded, report)
    for t in loaded.intimacy_types:
        ident = f"type:{t.key}"
        file = loaded.file_of(ident)
        fields: dict[str, str | Sequence[str]] = {
            "name": t.name, "summary": t.summary, "examples": t.examples
        }  # fmt: skip
        if t.research_note is not None:
            fields["research_note"] = t.research_note
        _lengths(report, file, ident, "type", fields)
        _count(report, file, ident, "examples", len(t.examples), EXAMPLES_RANGE)
        cite(file, ident, t.sources, required=False)
        if not t.sources and t.research_note is None:
            report.problems.append(
                problem(file, ident, "sources", "empty sources need a research_note saying why")
            )
    for c in loaded.characteristics:
        ident = f"characteristic:{c.key}"
        file = loaded.file_of(ident)
        fields = {"name": c.name, "summary": c.summary, "example": c.example}
        _lengths(report, file, ident, "characteristic", fields)
        cite(file, ident, c.sources, required=True)
    if loaded.scale is not None:
        file = loaded.file_of("scale:scale")
        scale_fields: dict[str, str | Sequence[str]] = {
            "name": loaded.scale.name, "summary": loaded.scale.summary
        }  # fmt: skip
        _lengths(report, file, "[scale]", "scale", scale_fields)
        cite(file, "[scale]", loaded.scale.sources, required=True)
    for b in loaded.barriers:
        ident = f"barrier:{b.key}"
        file = loaded.file_of(ident)
        fields = {"name": b.name, "summary": b.summary, "steps": b.steps}
        _lengths(report, file, ident, "barrier", fields)
        _count(report, file, ident, "steps", len(b.steps), STEPS_RANGE)
        cite(file, ident, b.sources, required=False)
        if not b.sources:
            report.warnings.append(problem(file, ident, "sources", "no source cited"))
    for s in loaded.sources:
        file = loaded.file_of(s.id)
        _lengths(report, file, s.id, "source", {"citation": s.citation})
        if s.url is not None and not is_https_url(s.url):
            report.problems.append(problem(file, s.id, "url", f"not an https URL: {s.url!r}"))
        if s.id not in cited:
            report.warnings.append(problem(file, s.id, None, "source is never cited"))


def _count(
    report: CheckReport, file: str, ident: str, field: str, size: int, bounds: tuple[int, int]
) -> None:
    low, high = bounds
    if not low <= size <= high:
        report.problems.append(problem(file, ident, field, f"{size} items, need {low}-{high}"))


def _check_present(loaded: LoadedContent, report: CheckReport) -> None:
    vocabularies: list[tuple[str, list[str], set[str]]] = [
        ("type", [t.value for t in IntimacyType], {t.key.value for t in loaded.intimacy_types}),
        (
            "characteristic",
            [c.value for c in Characteristic],
            {c.key.value for c in loaded.characteristics},
        ),
        ("barrier", [b.value for b in BarrierKey], {b.key.value for b in loaded.barriers}),
    ]
    for section, wanted, found in vocabularies:
        for key in wanted:
            if key not in found:
                report.problems.append(problem("learn/", f"{section}:{key}", None, "missing"))


def check_flow_texts(loaded: LoadedContent, report: CheckReport) -> None:
    """Every flow text fits in a message."""
    if loaded.flow_texts is None:
        return  # the loader already reported why
    for key, template in loaded.flow_texts.items():
        reason = LIMITS["flow.text"].problem(template)
        if reason:
            report.problems.append(problem(loaded.flow_file, "[texts]", key.value, reason))
