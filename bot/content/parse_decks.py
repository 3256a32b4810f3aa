"""Reads `decks/*.toml` into `Deck`, `Prompt`, `Starter` and `CheckinQuestion` records."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.errors import problem
from bot.content.fields import Fields
from bot.content.loaded import LoadedContent, check_top_level, entry_ident
from bot.content.models import CheckinQuestion, Deck, Prompt, Starter
from bot.content.vocab import Characteristic, DeckKind, Depth, IntimacyType, StarterFormat


def parse_deck_file(file: str, data: Mapping[str, object], out: LoadedContent) -> None:
    """Read one deck file into `out` (problems go to `out.problems`)."""
    if not check_top_level(data, file, {"entry"}, {"deck"}, out.problems):
        return
    header = data.get("deck")
    if not isinstance(header, dict):
        out.problems.append(problem(file, None, "deck", "missing the [deck] header table"))
        return
    fields = Fields(header, file, "[deck]", out.problems)
    deck_id = fields.text("id")
    kind = fields.choice("kind", DeckKind)
    public = fields.flag("public")
    title = fields.text("title")
    description = fields.text("description")
    fields.finish()
    if deck_id is None or kind is None or public is None or title is None or description is None:
        return  # without a kind the entries cannot be read
    if not out.claim(deck_id, file):
        return
    out.decks.append(Deck(deck_id, kind, public, title, description, file))
    raw_entries = data.get("entry", [])
    assert isinstance(raw_entries, list)  # check_top_level verified the shape
    for index, raw in enumerate(raw_entries, 1):
        _parse_entry(file, deck_id, kind, raw, index, out)


def _parse_entry(
    file: str,
    deck_id: str,
    kind: DeckKind,
    raw: Mapping[str, object],
    index: int,
    out: LoadedContent,
) -> None:
    fields = Fields(raw, file, entry_ident(raw, "entry", index), out.problems)
    entry_id = fields.text("id")
    text = fields.text("text")
    depth = fields.depth()
    safe = fields.flag("audience_safe")
    record: Prompt | Starter | CheckinQuestion | None = None
    if kind is DeckKind.DAILY:
        type_ = fields.choice("type", IntimacyType)
        if fields.ok:
            assert entry_id and text and depth and safe is not None and type_
            record = Prompt(entry_id, text, type_, depth, safe, deck_id)
    elif kind is DeckKind.STARTER:
        record = _starter(fields, entry_id, text, depth, safe, deck_id)
    else:
        label = fields.text("label")
        characteristic = fields.choice("characteristic", Characteristic)
        if fields.ok:
            assert entry_id and text and depth and safe is not None and label and characteristic
            record = CheckinQuestion(entry_id, text, label, characteristic, depth, safe, deck_id)
    fields.finish()
    if record is None or not fields.ok or not out.claim(record.id, file):
        return
    if isinstance(record, Prompt):
        out.prompts.append(record)
    elif isinstance(record, Starter):
        out.starters.append(record)
    else:
        out.checkin_questions.append(record)


def _starter(
    fields: Fields,
    entry_id: str | None,
    text: str | None,
    depth: Depth | None,
    safe: bool | None,
    deck_id: str,
) -> Starter | None:
    format_ = fields.choice("format", StarterFormat)
    type_ = fields.choice("type", IntimacyType, required=False)
    if type_ is not None and type_ is not IntimacyType.INTELLECTUAL:
        fields.fail("type", "starters are always 'intellectual' (the field may be omitted)")
    follow_up = fields.text("follow_up", required=False)
    # Format-specific fields are read for every format; the check says which format may use them.
    positions = fields.texts("positions", required=False)
    ground_rules = fields.text("ground_rules", required=False)
    reading_window = fields.text("reading_window", required=False)
    bring_back = fields.text("bring_back", required=False)
    if not fields.ok:
        return None
    assert entry_id and text and depth and format_ and safe is not None and positions is not None
    return Starter(
        entry_id,
        text,
        format_,
        depth,
        safe,
        deck_id,
        follow_up=follow_up,
        positions=positions,
        ground_rules=ground_rules,
        reading_window=reading_window,
        bring_back=bring_back,
    )
