"""The error raised when `prompts/` does not match its schema."""

from __future__ import annotations

from collections.abc import Sequence


def problem(file: str, ident: str | None, field: str | None, message: str) -> str:
    """One problem line: ``file: entry id: field: message`` (absent parts left out)."""
    return ": ".join(part for part in (file, ident, field, message) if part)


class ContentError(Exception):
    """The content library is invalid; `problems` lists each one (file, entry id, field)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} content problem(s):\n{shown}{tail}")
