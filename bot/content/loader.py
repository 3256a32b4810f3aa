"""Loads `prompts/` into a `ContentLibrary`, rejecting anything off the schema.

`read_content` collects every schema problem (and keeps what it could read) so the content check
can report them all at once; `load_library` raises `ContentError` unless there are none.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.content.errors import ContentError, problem
from bot.content.flow_texts import FlowKey, FlowTexts, template_problems
from bot.content.library import ContentLibrary
from bot.content.loaded import LoadedContent, check_top_level
from bot.content.parse_decks import parse_deck_file
from bot.content.parse_learn import parse_learn_file
from bot.content.parse_resources import parse_resource_file

FLOW_FILE = "checkin-flow.toml"

FileParser = Callable[[str, Mapping[str, object], LoadedContent], None]


def default_root() -> Path:
    """The repository's `prompts/` folder, found from this file (never the working directory)."""
    return Path(__file__).resolve().parents[2] / "prompts"


def _read_toml(path: Path, file: str, sink: list[str]) -> dict[str, object] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        sink.append(problem(file, None, None, f"invalid TOML: {exc}"))
    except (OSError, UnicodeDecodeError) as exc:
        sink.append(problem(file, None, None, f"cannot read: {exc}"))
    return None


def _read_folder(root: Path, folder: str, parse: FileParser, out: LoadedContent) -> None:
    directory = root / folder
    if not directory.is_dir():
        out.problems.append(problem(f"{folder}/", None, None, "missing folder"))
        return
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        out.problems.append(problem(f"{folder}/", None, None, "no .toml files"))
    for path in paths:
        file = path.relative_to(root).as_posix()
        data = _read_toml(path, file, out.problems)
        if data is not None:
            parse(file, data, out)


def _parse_texts_file(file: str, data: Mapping[str, object], out: LoadedContent) -> None:
    if Path(file).name != FLOW_FILE:
        out.problems.append(
            problem(file, None, None, f"no schema for this file (expected {FLOW_FILE})")
        )
        return
    if not check_top_level(data, file, set(), {"texts"}, out.problems):
        return
    texts = data.get("texts")
    if not isinstance(texts, dict):
        out.problems.append(problem(file, None, "texts", "missing the [texts] table"))
        return
    known = {k.value for k in FlowKey}
    found: dict[FlowKey, str] = {}
    before = len(out.problems)
    for key, value in texts.items():
        if key not in known:
            out.problems.append(
                problem(file, "[texts]", key, f"unknown key (allowed: {', '.join(sorted(known))})")
            )
        elif not isinstance(value, str) or not value.strip():
            out.problems.append(problem(file, "[texts]", key, "must be a non-empty string"))
        else:
            flow_key = FlowKey(key)
            for message in template_problems(flow_key, value):
                out.problems.append(problem(file, "[texts]", key, message))
            found[flow_key] = value
    for flow_key in FlowKey:
        if flow_key.value not in texts:
            out.problems.append(problem(file, "[texts]", flow_key.value, "missing required text"))
    if len(out.problems) == before:
        out.flow_texts = FlowTexts(found)


def read_content(root: Path | None = None) -> LoadedContent:
    """Read everything under `root` (default: the repo's `prompts/`), collecting problems."""
    base = root if root is not None else default_root()
    out = LoadedContent(root=base)
    out.flow_file = f"texts/{FLOW_FILE}"
    _read_folder(base, "decks", parse_deck_file, out)
    _read_folder(base, "texts", _parse_texts_file, out)
    _read_folder(base, "learn", parse_learn_file, out)
    _read_folder(base, "resources", parse_resource_file, out)
    if (base / "texts").is_dir() and not (base / out.flow_file).is_file():
        out.problems.append(problem(out.flow_file, None, None, "missing file"))
    if out.scale is None and not any("[scale]" in p for p in out.problems):
        out.problems.append(problem("learn/", None, "scale", "no [scale] table in any learn file"))
    return out


def library_from(loaded: LoadedContent) -> ContentLibrary:
    """Build the library from a problem-free `LoadedContent`."""
    if loaded.problems or loaded.flow_texts is None or loaded.scale is None:
        raise ContentError(loaded.problems or ["incomplete content"])
    return ContentLibrary(
        decks=loaded.decks,
        prompts=loaded.prompts,
        starters=loaded.starters,
        checkin_questions=loaded.checkin_questions,
        flow_texts=loaded.flow_texts,
        sources=loaded.sources,
        intimacy_types=loaded.intimacy_types,
        characteristics=loaded.characteristics,
        scale=loaded.scale,
        barriers=loaded.barriers,
        countries=loaded.countries,
        resources=loaded.resources,
    )


def load_library(root: Path | None = None) -> ContentLibrary:
    """Load and schema-validate `prompts/`; raises `ContentError` listing every problem.

    Schema problems are shape problems (syntax, unknown or missing keys, wrong types, values off
    a vocabulary, duplicate ids). The editorial rules (lengths, balance, safety, freshness) are
    the content check's (`check_library`), so stale verification dates never stop the bot.
    """
    return library_from(read_content(root))
