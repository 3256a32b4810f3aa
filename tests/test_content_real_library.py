"""The real `prompts/` library loads and passes every content rule with the default minimums."""

from __future__ import annotations

from datetime import date

from bot.content import check_library, default_root, load_library


def test_real_library_passes() -> None:
    report = check_library(default_root(), today=date.today())
    assert report.problems == [], report.render()
    library = load_library()
    assert len(library.prompts) >= 400 and len(library.starters) >= 250
    assert len(library.checkin_questions) >= 60
