"""Strict, problem-collecting readers for one TOML table.

Each reader records the key as allowed; `finish()` then reports every key nobody asked for, so a
typo such as ``audiance_safe`` is a problem instead of a silently ignored field. Readers never
raise: they append to the shared problem list and return None, and `ok` turns False when a field
could not be read.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from bot.content.errors import problem
from bot.content.vocab import Depth

E = TypeVar("E", bound=Enum)


class Fields:
    """Reads the fields of one table (an entry, a header, a contact) for one file and id."""

    def __init__(self, data: Mapping[str, object], file: str, ident: str, sink: list[str]) -> None:
        self._data = data
        self._file = file
        self._ident = ident
        self._sink = sink
        self._asked: set[str] = set()
        self.ok = True

    def fail(self, key: str, message: str) -> None:
        """Record a problem with field `key` and mark the table unusable."""
        self._sink.append(problem(self._file, self._ident, key, message))
        self.ok = False

    def _get(self, key: str, required: bool) -> object | None:
        self._asked.add(key)
        if key not in self._data:
            if required:
                self.fail(key, "missing required field")
            return None
        return self._data[key]

    def text(self, key: str, *, required: bool = True) -> str | None:
        """A non-blank string."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty string, got {value!r}")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        """A required boolean."""
        value = self._get(key, True)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
            return None
        return value

    def choice(self, key: str, vocabulary: type[E], *, required: bool = True) -> E | None:
        """A value from a string vocabulary."""
        value = self._get(key, required)
        if value is None:
            return None
        try:
            return vocabulary(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in vocabulary)
            self.fail(key, f"unknown value {value!r} (allowed: {allowed})")
            return None

    def depth(self, key: str = "depth") -> Depth | None:
        """A depth 1-3 (booleans are not depths, although Python says True == 1)."""
        value = self._get(key, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3):
            self.fail(key, f"must be 1, 2 or 3, got {value!r}")
            return None
        return Depth(value)

    def day(self, key: str) -> date | None:
        """A TOML date such as ``2026-11-23`` (unquoted, without a time)."""
        value = self._get(key, True)
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(key, f"must be an unquoted TOML date like 2026-11-23, got {value!r}")
            return None
        return value

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...] | None:
        """A list of non-blank strings (may be empty; rules on its size live in the check)."""
        value = self._get(key, required)
        if value is None:
            return None if required else ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, f"must be a list of non-empty strings, got {value!r}")
            return None
        return tuple(value)

    def tables(self, key: str, *, required: bool = True) -> list[Mapping[str, object]] | None:
        """A list of tables (an array of inline tables or `[[key]]`)."""
        value = self._get(key, required)
        if value is None:
            return None if required else []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be a list of tables like { method = ..., value = ... }")
            return None
        return list(value)

    def finish(self) -> None:
        """Report every key that no reader asked for (typos must not pass silently)."""
        for key in self._data:
            if key in self._asked:
                continue
            close = difflib.get_close_matches(key, sorted(self._asked), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            allowed = ", ".join(sorted(self._asked))
            self.fail(key, f"unknown key (allowed: {allowed}){hint}")
