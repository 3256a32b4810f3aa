"""Flow texts render with exactly their placeholders and fail clearly otherwise."""

from __future__ import annotations

import pytest

from bot.content import PLACEHOLDERS, FlowKey, FlowTextError, FlowTexts, load_library
from tests.fixtures.content.helpers import MINI


@pytest.fixture(scope="module")
def texts() -> FlowTexts:
    return load_library(MINI).flow_texts


def test_render_fills_placeholders(texts: FlowTexts) -> None:
    assert texts.render("intro", members="@a and @b", weeks=4) == (
        "Welcome, @a and @b! You are paired for 4 weeks."
    )
    assert texts.render(FlowKey.REMINDER, days=2).startswith("The week closes in 2 days.")
    assert texts.render("reveal") == texts.reveal


def test_typed_access(texts: FlowTexts) -> None:
    assert texts.week_open == "Week {week} of {weeks}: this week's questions are below."
    assert [key for key, _ in texts.items()] == list(FlowKey)


@pytest.mark.parametrize(
    ("key", "values", "words"),
    [
        ("intro", {"members": "x"}, "missing weeks"),
        ("reminder", {"days": 2, "hours": 3}, "unknown hours"),
        ("reveal", {"week": 1}, "unknown week"),
        ("goodbye", {}, "unknown flow text key 'goodbye'"),
    ],
)
def test_render_fails_clearly(
    texts: FlowTexts, key: str, values: dict[str, str | int], words: str
) -> None:
    with pytest.raises(FlowTextError, match=words):
        texts.render(key, **values)


def _all_texts(**overrides: str) -> dict[FlowKey, str]:
    base = {key: f"Text for {key.value}." for key in FlowKey}
    base.update({FlowKey(k): v for k, v in overrides.items()})
    return base


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"reminder": "In {hours} hours"}, r"unknown placeholder \{hours\}"),
        ({"intro": "Hi {members!r}"}, "no format spec"),
        ({"intro": "Use {curly braces"}, "malformed braces"),
        ({"reveal": "Answers for {week}"}, r"allowed: none"),
    ],
)
def test_bad_templates_are_rejected(override: dict[str, str], words: str) -> None:
    with pytest.raises(FlowTextError, match=words):
        FlowTexts(_all_texts(**override))


def test_missing_key_is_rejected() -> None:
    partial = _all_texts()
    del partial[FlowKey.SKIP_CONFIRM]
    with pytest.raises(FlowTextError, match="missing flow texts: skip_confirm"):
        FlowTexts(partial)


def test_literal_braces_are_allowed_when_doubled() -> None:
    texts = FlowTexts(_all_texts(reveal="Both answered {{ok}}"))
    assert texts.render("reveal") == "Both answered {ok}"


def test_placeholder_contract() -> None:
    assert PLACEHOLDERS[FlowKey.INTRO] == {"members", "weeks"}
    assert PLACEHOLDERS[FlowKey.WEEK_OPEN] == {"week", "weeks"}
    assert PLACEHOLDERS[FlowKey.REMINDER] == {"days"}
