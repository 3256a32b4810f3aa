"""Reads `learn/*.toml`: sources, the four types, the five characteristics, the scale, barriers."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.errors import problem
from bot.content.fields import Fields
from bot.content.loaded import LoadedContent, check_top_level, entry_ident
from bot.content.models import Barrier, CharacteristicInfo, IntimacyTypeInfo, Scale, Source
from bot.content.vocab import BarrierKey, Characteristic, IntimacyType

_ARRAYS = {"source", "type", "characteristic", "barrier"}


def _tables(data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    value = data.get(key, [])
    return value if isinstance(value, list) else []


def parse_learn_file(file: str, data: Mapping[str, object], out: LoadedContent) -> None:
    """Read one learn file into `out`; any of its sections may appear in any learn file."""
    if not check_top_level(data, file, _ARRAYS, {"scale"}, out.problems):
        return
    for index, raw in enumerate(_tables(data, "source"), 1):
        _source(file, raw, index, out)
    for index, raw in enumerate(_tables(data, "type"), 1):
        _type(file, raw, index, out)
    for index, raw in enumerate(_tables(data, "characteristic"), 1):
        _characteristic(file, raw, index, out)
    for index, raw in enumerate(_tables(data, "barrier"), 1):
        _barrier(file, raw, index, out)
    scale = data.get("scale")
    if isinstance(scale, dict):
        _scale(file, scale, out)


def _claim_key(out: LoadedContent, section: str, key: str, file: str) -> bool:
    label = f"{section}:{key}"
    if label in out.origin:
        out.problems.append(
            problem(file, label, "key", f"defined twice (also in {out.origin[label]})")
        )
        return False
    out.origin[label] = file
    return True


def _source(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    fields = Fields(raw, file, entry_ident(raw, "source", index), out.problems)
    source_id = fields.text("id")
    citation = fields.text("citation")
    url = fields.text("url", required=False)
    fields.finish()
    if fields.ok and source_id and citation and out.claim(source_id, file):
        out.sources.append(Source(source_id, citation, url))


def _type(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    fields = Fields(raw, file, f"type:{entry_ident(raw, 'type', index)}", out.problems)
    key = fields.choice("key", IntimacyType)
    name = fields.text("name")
    summary = fields.text("summary")
    examples = fields.texts("examples")
    research_note = fields.text("research_note", required=False)
    sources = fields.texts("sources")
    fields.finish()
    if not fields.ok or not _claim_key(out, "type", str(key), file):
        return
    assert key and name and summary and examples is not None and sources is not None
    out.intimacy_types.append(
        IntimacyTypeInfo(key, name, summary, examples, research_note, sources)
    )


def _characteristic(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    ident = f"characteristic:{entry_ident(raw, 'characteristic', index)}"
    fields = Fields(raw, file, ident, out.problems)
    key = fields.choice("key", Characteristic)
    name = fields.text("name")
    summary = fields.text("summary")
    example = fields.text("example")
    sources = fields.texts("sources")
    fields.finish()
    if not fields.ok or not _claim_key(out, "characteristic", str(key), file):
        return
    assert key and name and summary and example and sources is not None
    out.characteristics.append(CharacteristicInfo(key, name, summary, example, sources))


def _barrier(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    fields = Fields(raw, file, f"barrier:{entry_ident(raw, 'barrier', index)}", out.problems)
    key = fields.choice("key", BarrierKey)
    name = fields.text("name")
    summary = fields.text("summary")
    steps = fields.texts("steps")
    sources = fields.texts("sources")
    fields.finish()
    if not fields.ok or not _claim_key(out, "barrier", str(key), file):
        return
    assert key and name and summary and steps is not None and sources is not None
    out.barriers.append(Barrier(key, name, summary, steps, sources))


def _scale(file: str, raw: Mapping[str, object], out: LoadedContent) -> None:
    fields = Fields(raw, file, "[scale]", out.problems)
    name = fields.text("name")
    summary = fields.text("summary")
    sources = fields.texts("sources")
    fields.finish()
    if not fields.ok or not _claim_key(out, "scale", "scale", file):
        return
    assert name and summary and sources is not None
    out.scale = Scale(name, summary, sources)
