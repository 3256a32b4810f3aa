"""The texts of the weekly check-in flow, with checked `{placeholder}` substitution.

Each key has a fixed set of placeholders (`PLACEHOLDERS`). A template may use any subset of its
key's placeholders; a caller must pass exactly that set, so a call site is checked even when the
current wording happens not to use a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from string import Formatter


class FlowTextError(ValueError):
    """A flow text was asked for with an unknown key or with wrong placeholder values."""


class FlowKey(StrEnum):
    """The keys of `[texts]` in `texts/checkin-flow.toml`."""

    INTRO = "intro"
    WEEK_OPEN = "week_open"
    REMINDER = "reminder"
    REVEAL = "reveal"
    NOT_ANSWERED = "not_answered"
    CONNECT_FOLLOWUP = "connect_followup"
    ROUGH_WEEK = "rough_week"
    PAIRING_ENDED = "pairing_ended"
    NEED_SUPPORT = "need_support"
    SKIP_CONFIRM = "skip_confirm"


PLACEHOLDERS: Mapping[FlowKey, frozenset[str]] = {
    FlowKey.INTRO: frozenset({"members", "weeks"}),
    FlowKey.WEEK_OPEN: frozenset({"week", "weeks"}),
    FlowKey.REMINDER: frozenset({"days"}),
    FlowKey.REVEAL: frozenset(),
    FlowKey.NOT_ANSWERED: frozenset(),
    FlowKey.CONNECT_FOLLOWUP: frozenset(),
    FlowKey.ROUGH_WEEK: frozenset(),
    FlowKey.PAIRING_ENDED: frozenset(),
    FlowKey.NEED_SUPPORT: frozenset(),
    FlowKey.SKIP_CONFIRM: frozenset(),
}


def template_problems(key: FlowKey, template: str) -> list[str]:
    """Why `template` cannot be rendered for `key` (empty when it can)."""
    allowed = PLACEHOLDERS[key]
    try:
        parsed = [
            (f, spec, conv) for _, f, spec, conv in Formatter().parse(template) if f is not None
        ]
    except ValueError as exc:  # unbalanced braces; literal braces must be doubled
        return [f"malformed braces ({exc}); write literal braces as {{{{ and }}}}"]
    problems: list[str] = []
    shown = ", ".join(sorted(allowed)) or "none"
    for name, spec, conv in parsed:
        if name not in allowed:
            problems.append(f"unknown placeholder {{{name}}} (allowed: {shown})")
        elif spec or conv:
            problems.append(f"placeholder {{{name}}} takes no format spec or conversion")
    return problems


def _key(key: FlowKey | str) -> FlowKey:
    try:
        return FlowKey(key)
    except ValueError:
        known = ", ".join(k.value for k in FlowKey)
        raise FlowTextError(f"unknown flow text key {key!r} (known: {known})") from None


class FlowTexts:
    """Typed access to the check-in flow texts; build with `FlowTexts(mapping)`."""

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[FlowKey, str]) -> None:
        missing = [k.value for k in FlowKey if k not in texts]
        if missing:
            raise FlowTextError(f"missing flow texts: {', '.join(missing)}")
        for key, template in texts.items():
            problems = template_problems(key, template)
            if problems:
                raise FlowTextError(f"flow text {key.value!r}: {'; '.join(problems)}")
        self._texts: dict[FlowKey, str] = dict(texts)

    def template(self, key: FlowKey | str) -> str:
        """The raw template of `key`."""
        return self._texts[_key(key)]

    def render(self, key: FlowKey | str, **values: str | int) -> str:
        """The text of `key` with its placeholders filled; `values` must be exactly its set."""
        flow_key = _key(key)
        allowed = PLACEHOLDERS[flow_key]
        missing = sorted(allowed - values.keys())
        unknown = sorted(values.keys() - allowed)
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown {', '.join(unknown)}")
            raise FlowTextError(
                f"flow text {flow_key.value!r}: placeholder values {'; '.join(parts)}"
            )
        return self._texts[flow_key].format_map({k: str(v) for k, v in values.items()})

    def items(self) -> list[tuple[FlowKey, str]]:
        """Every (key, template) pair, in schema order."""
        return [(k, self._texts[k]) for k in FlowKey]

    @property
    def intro(self) -> str:
        """New pair space; placeholders `{members}`, `{weeks}`."""
        return self._texts[FlowKey.INTRO]

    @property
    def week_open(self) -> str:
        """A week's check-in opens; placeholders `{week}`, `{weeks}`."""
        return self._texts[FlowKey.WEEK_OPEN]

    @property
    def reminder(self) -> str:
        """Reminder to whoever has not answered; placeholder `{days}`."""
        return self._texts[FlowKey.REMINDER]

    @property
    def reveal(self) -> str:
        """Both have answered: the answers are shown."""
        return self._texts[FlowKey.REVEAL]

    @property
    def not_answered(self) -> str:
        """The week closed before the partner answered."""
        return self._texts[FlowKey.NOT_ANSWERED]

    @property
    def connect_followup(self) -> str:
        """The end-of-week "did you connect?" question."""
        return self._texts[FlowKey.CONNECT_FOLLOWUP]

    @property
    def rough_week(self) -> str:
        """Reply to a "rough week" choice, leading to private resources."""
        return self._texts[FlowKey.ROUGH_WEEK]

    @property
    def pairing_ended(self) -> str:
        """No-fault notice that a pairing ended."""
        return self._texts[FlowKey.PAIRING_ENDED]

    @property
    def need_support(self) -> str:
        """Reply to the Need support button."""
        return self._texts[FlowKey.NEED_SUPPORT]

    @property
    def skip_confirm(self) -> str:
        """Confirmation that this week was skipped."""
        return self._texts[FlowKey.SKIP_CONFIRM]
