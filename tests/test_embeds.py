"""Shared embed helpers: truncation, citations, and packing within Discord's message limits."""

from __future__ import annotations

from bot.content.models import Source
from bot.embeds import (
    Field,
    Section,
    chunk_lines,
    citation_line,
    fits_in_message,
    link_label,
    pack_sections,
    source_fields,
    take_fields,
    truncate,
)


def test_truncate_keeps_short_text_and_marks_cut_text() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("a long sentence here", 10)
    assert len(cut) == 10
    assert cut.endswith("…")


def test_chunk_lines_never_splits_a_line_and_respects_the_limit() -> None:
    lines = [f"line {n} " + "x" * 40 for n in range(60)]
    chunks = chunk_lines(lines, limit=200)
    assert all(len(chunk) <= 200 for chunk in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_citations_link_to_their_source() -> None:
    source = Source("a-2000", "A. (2000). A study. Journal, 1, 2-3.", "https://doi.org/10.1/abc")
    assert citation_line(source) == (
        "• A. (2000). A study. Journal, 1, 2-3. [doi.org/10.1/abc](https://doi.org/10.1/abc)"
    )
    assert citation_line(Source("b-2001", "B. (2001). A book.")) == "• B. (2001). A book."
    assert link_label("https://www.example.org/path/") == "example.org/path"


def test_many_sources_continue_in_more_fields() -> None:
    sources = [Source(f"s-{n}", "C" * 400, "https://doi.org/x") for n in range(5)]
    fields = source_fields(sources)
    assert [name for name, _ in fields][:2] == ["Sources", "Sources (continued)"]
    assert all(len(value) <= 1024 for _, value in fields)
    assert sum(value.count("• ") for _, value in fields) == 5


def test_pack_sections_stays_inside_every_limit_and_says_what_was_left_out() -> None:
    many = [Field(f"name {n}", "v" * 900) for n in range(40)]
    embeds = pack_sections([Section("Big", many), Section("Later", [Field("a", "b")])], footer="F")
    assert fits_in_message(embeds)
    assert embeds[-1].footer.text == "F"
    assert embeds[-1].fields[-1].name == "More"
    kept = sum(1 for e in embeds for f in e.fields if f.name != "More")
    assert embeds[-1].fields[-1].value == f"{41 - kept} more entries did not fit in this message."


def test_pack_sections_continues_a_section_after_25_fields() -> None:
    embeds = pack_sections([Section("List", [Field(str(n), "v") for n in range(30)])])
    assert [e.title for e in embeds] == ["List", "List (continued)"]
    assert [len(e.fields) for e in embeds] == [25, 5]
    assert fits_in_message(embeds)


def test_take_fields_keeps_what_fits() -> None:
    fields = [Field("n", "v" * 99) for _ in range(5)]  # 100 characters each
    kept, left_out = take_fields(fields, 250)
    assert (len(kept), left_out) == (2, 3)
