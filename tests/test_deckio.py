"""Import parsing, prompt text checks and the export document: pure, with plain values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.content.vocab import IntimacyType
from bot.deckio import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    build_export,
    detect_format,
    dump_export,
    error_report,
    normalise_text,
    parse_import,
    text_problems,
)

TYPES_MESSAGE = "isn't one of emotional, intellectual, experiential, physical"


def parse(text: str, filename: str, content_type: str | None = None):  # type: ignore[no-untyped-def]
    return parse_import(text.encode("utf-8"), filename=filename, content_type=content_type)


# Formats -----------------------------------------------------------------------------------


def test_csv_with_header_reads_every_row() -> None:
    result = parse(
        "text,type,depth\n"
        "What made you laugh this week?,emotional,1\n"
        '"Which book, if any, changed your mind?",Intellectual,2\n',
        "deck.csv",
    )
    assert result.format == "csv"
    assert result.errors == ()
    assert [(r.number, r.text, r.type, r.depth) for r in result.rows] == [
        (2, "What made you laugh this week?", IntimacyType.EMOTIONAL, 1),
        (3, "Which book, if any, changed your mind?", IntimacyType.INTELLECTUAL, 2),
    ]


def test_csv_without_header_uses_text_type_depth_order() -> None:
    result = parse("What game would you teach a friend?,experiential,1\n", "deck.csv")
    assert [(r.number, r.type) for r in result.rows] == [(1, IntimacyType.EXPERIENTIAL)]


def test_csv_header_may_reorder_columns_and_use_semicolons() -> None:
    result = parse("depth;type;text\n2;physical;What walk do you never tire of?\n", "deck.csv")
    assert [(r.text, r.depth) for r in result.rows] == [("What walk do you never tire of?", 2)]


def test_csv_row_with_unquoted_commas_is_explained() -> None:
    result = parse("text,type,depth\nWhat, if anything, calms you?,emotional,1\n", "deck.csv")
    assert result.rows == ()
    assert str(result.errors[0]).startswith("row 2: has 5 columns")
    assert "double quotes" in str(result.errors[0])


def test_json_list_of_objects() -> None:
    rows = [
        {"text": "What small win are you proud of?", "type": "emotional", "depth": 1},
        {"text": "What puzzle kept you up at night?", "type": "intellectual", "depth": "2"},
    ]
    result = parse(json.dumps(rows), "prompts.json")
    assert result.format == "json"
    assert [(r.number, r.depth) for r in result.rows] == [(1, 1), (2, 2)]


def test_json_export_document_can_be_imported_again() -> None:
    @dataclass
    class P:
        id: int
        text: str
        type: str
        depth: int
        author_id: int | None
        added_by: int | None

    document = build_export(
        guild_id=1,
        exported_at=datetime(2026, 1, 1, tzinfo=UTC),
        prompts=[P(7, "What place feels like home to you?", "emotional", 2, None, 5)],
        schedules=[],
        suggestions=[],
        deliveries=[],
    )
    result = parse_import(dump_export(document), filename="export.json")
    assert [(r.text, r.type, r.depth) for r in result.rows] == [
        ("What place feels like home to you?", IntimacyType.EMOTIONAL, 2)
    ]


def test_toml_entries_like_the_builtin_decks() -> None:
    result = parse(
        '[deck]\nid = "ours"\n\n'
        '[[entry]]\nid = "x-1"\ntext = "What hobby would you start tomorrow?"\n'
        'type = "experiential"\ndepth = 1\naudience_safe = true\n\n'
        '[[entry]]\ntext = "Which idea changed how you see the world?"\n'
        'type = "intellectual"\ndepth = 2\n',
        "ours.toml",
    )
    assert result.format == "toml"
    assert [r.type for r in result.rows] == [IntimacyType.EXPERIENTIAL, IntimacyType.INTELLECTUAL]


def test_format_from_content_type_when_the_name_has_no_extension() -> None:
    assert detect_format("upload", "text/csv; charset=utf-8") == "csv"
    assert detect_format("upload", "application/json") == "json"
    assert detect_format("deck.TOML", None) == "toml"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ImportFileError, match=r"\.toml`, `\.json` or `\.csv`"):
        detect_format("deck.xlsx", "application/vnd.ms-excel")


# Per-row errors ----------------------------------------------------------------------------


def test_each_bad_row_is_reported_and_good_rows_kept() -> None:
    result = parse(
        "text,type,depth\n"
        '"What made you smile today, however small?",emotional,1\n'
        "Too short,emotional,1\n"
        "What do you love learning about?,emo,1\n"
        "What song lifts your mood right away?,emotional,4\n"
        "Hey @everyone what is your favourite snack?,emotional,1\n"
        "Read [this](https://example.com) and tell me why?,intellectual,1\n"
        "Who was your first kiss at school?,physical,1\n"
        ",emotional,\n"
        '"What made you smile today, however small?",emotional,2\n',
        "deck.csv",
    )
    assert [r.number for r in result.rows] == [2]
    report = error_report(result.errors).splitlines()
    assert report[0] == "row 3: the text is 9 characters; it needs 10-300"
    assert report[1] == f"row 4: type 'emo' {TYPES_MESSAGE}"
    assert report[2] == "row 5: depth '4' isn't 1, 2 or 3"
    assert report[3].startswith("row 6: the text contains a mention (@everyone)")
    assert report[4].startswith("row 7: the text contains a markdown link")
    assert report[5].startswith("row 8: the text contains 'kiss'")
    assert report[6] == "row 9: text is missing; depth is missing; use 1, 2 or 3"
    assert report[7] == "row 10: same text as row 2"


def test_json_row_that_is_not_an_object() -> None:
    result = parse(
        '[1, {"text": "What idea excites you lately?", "type": "intellectual"}]', "a.json"
    )
    assert [str(e) for e in result.errors] == [
        "row 1: expected an entry with text, type and depth",
        "row 2: depth is missing; use 1, 2 or 3",
    ]


def test_whitespace_is_folded_into_one_line() -> None:
    result = parse(
        '[{"text": "  What  made\\nyou laugh?  ", "type": "physical", "depth": 1}]', "a.json"
    )
    assert result.rows[0].text == "What made you laugh?"


def test_depth_accepts_integral_numbers_only() -> None:
    result = parse(
        '[{"text": "What are you curious about?", "type": "intellectual", "depth": 2.0},'
        ' {"text": "What are you curious about now?", "type": "intellectual", "depth": 1.5},'
        ' {"text": "What are you curious about then?", "type": "intellectual", "depth": true}]',
        "a.json",
    )
    assert [r.number for r in result.rows] == [1]
    assert [e.number for e in result.errors] == [2, 3]


# Whole-file problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filename", "message"),
    [
        ('{"text": "unterminated', "a.json", "isn't valid JSON"),
        ('{"rows": []}', "a.json", "no list of prompts"),
        ("[[entry]\ntext = 1", "a.toml", "isn't valid TOML"),
        ('[deck]\nid = "x"\n', "a.toml", "no prompts in the TOML file"),
        ("text,type,depth\n", "a.csv", "no prompts in it"),
        ("[]", "a.json", "no prompts in it"),
    ],
)
def test_malformed_files_are_refused_whole(text: str, filename: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse(text, filename)


def test_non_utf8_is_refused() -> None:
    with pytest.raises(ImportFileError, match="UTF-8"):
        parse_import("tëxt,type,depth\n".encode("latin-1"), filename="a.csv")


def test_more_than_the_row_limit_is_refused() -> None:
    line = "What made you laugh this week number {n}?,emotional,1\n"
    text = "".join(line.format(n=n) for n in range(MAX_ROWS + 1))
    with pytest.raises(ImportFileError, match=f"{MAX_ROWS + 1} rows"):
        parse(text, "a.csv")


def test_exactly_the_row_limit_is_accepted() -> None:
    line = "What made you laugh this week number {n}?,emotional,1\n"
    text = "".join(line.format(n=n) for n in range(MAX_ROWS))
    assert len(parse(text, "a.csv").rows) == MAX_ROWS


def test_more_than_a_megabyte_is_refused() -> None:
    with pytest.raises(ImportFileError, match="at most 1 MB"):
        parse_import(b"x" * (MAX_BYTES + 1), filename="a.csv")


# Prompt text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ping <@123> about it please",
        "Ask <@&55> for a hand here",
        "See <#42> for this one",
        "@here hello all",
    ],
)
def test_mentions_are_refused(text: str) -> None:
    assert any("mention" in p for p in text_problems(text))


def test_safe_text_has_no_problems() -> None:
    # "Sussex" contains "sex" but is not the word: the unsafe-term matcher is whole-word.
    assert text_problems("What is your favourite walk in Sussex?") == []


def test_normalise_text() -> None:
    assert normalise_text(" a\n\tb  c ") == "a b c"


# Export ------------------------------------------------------------------------------------


def test_export_writes_discord_ids_as_strings_and_expands_schedule_fields() -> None:
    document = build_export(
        guild_id=123456789012345678,
        exported_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        prompts=[],
        schedules=[
            {
                "id": 4,
                "guild_id": 123456789012345678,
                "channel_id": 223456789012345678,
                "weekdays": "0,2,4",
                "types": "emotional,physical",
                "thread": 1,
                "pin": 0,
                "ping_role_id": None,
            }
        ],
        suggestions=[{"id": 1, "author_id": 323456789012345678, "status": "pending"}],
        deliveries=[
            {"schedule_id": 4, "local_date": "2026-02-28", "status": "sent", "message_id": 99}
        ],
    )
    assert document["guild_id"] == "123456789012345678"
    assert document["exported_at"] == "2026-03-01T09:00:00+00:00"
    schedule = document["schedules"][0]
    assert schedule["channel_id"] == "223456789012345678"
    assert schedule["weekdays"] == ["mon", "wed", "fri"]
    assert schedule["types"] == ["emotional", "physical"]
    assert (schedule["thread"], schedule["pin"], schedule["ping_role_id"]) == (True, False, None)
    assert document["suggestions"][0]["author_id"] == "323456789012345678"
    assert document["deliveries"][0]["message_id"] == "99"
    assert json.loads(dump_export(document)) == document
