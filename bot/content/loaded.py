"""`LoadedContent`: what the loader read, possibly partial, plus the problems it found.

The loader fills it file by file, dropping entries it cannot read. `load_library` turns a clean one
into a `ContentLibrary`; the content check runs its rules over a partial one so that one bad file
does not hide the problems in the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.errors import problem
from bot.content.flow_texts import FlowTexts
from bot.content.models import (
    Barrier,
    CharacteristicInfo,
    CheckinQuestion,
    Country,
    Deck,
    IntimacyTypeInfo,
    Prompt,
    Resource,
    Scale,
    Source,
    Starter,
)


@dataclass
class LoadedContent:
    """Records read from `root`, in file order, and the schema problems met on the way."""

    root: Path
    decks: list[Deck] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    starters: list[Starter] = field(default_factory=list)
    checkin_questions: list[CheckinQuestion] = field(default_factory=list)
    flow_texts: FlowTexts | None = None
    flow_file: str = "texts/checkin-flow.toml"
    sources: list[Source] = field(default_factory=list)
    intimacy_types: list[IntimacyTypeInfo] = field(default_factory=list)
    characteristics: list[CharacteristicInfo] = field(default_factory=list)
    scale: Scale | None = None
    barriers: list[Barrier] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Which file each id (or learn key, as "type:emotional") came from, for messages.
    origin: dict[str, str] = field(default_factory=dict)

    def claim(self, ident: str, file: str) -> bool:
        """Register a library-wide id; False (and a problem) when it is already taken."""
        if ident in self.origin:
            self.problems.append(
                problem(file, ident, "id", f"duplicate id (also in {self.origin[ident]})")
            )
            return False
        self.origin[ident] = file
        return True

    def file_of(self, ident: str) -> str:
        """The file an id or learn key came from ("?" when unknown)."""
        return self.origin.get(ident, "?")

    def deck_file(self, deck_id: str) -> str:
        """The file of the deck with this id."""
        return next((d.file for d in self.decks if d.id == deck_id), f"decks/{deck_id}.toml")


def check_top_level(
    data: Mapping[str, object], file: str, arrays: set[str], tables: set[str], sink: list[str]
) -> bool:
    """Check a file's top-level keys: `arrays` are `[[name]]`, `tables` are `[name]`."""
    ok = True
    for key, value in data.items():
        if key in arrays:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                sink.append(problem(file, None, key, f"must be written as [[{key}]] tables"))
                ok = False
        elif key in tables:
            if not isinstance(value, dict):
                sink.append(problem(file, None, key, f"must be written as a [{key}] table"))
                ok = False
        else:
            allowed = ", ".join(sorted([f"[[{a}]]" for a in arrays] + [f"[{t}]" for t in tables]))
            sink.append(problem(file, None, key, f"unknown top-level key (allowed: {allowed})"))
            ok = False
    return ok


def entry_ident(raw: Mapping[str, object], kind: str, index: int) -> str:
    """The id to name an entry by in messages, even when its id is missing or malformed."""
    value = raw.get("id", raw.get("key", raw.get("code")))
    return value if isinstance(value, str) and value else f"{kind} #{index}"
