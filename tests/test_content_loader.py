"""Loading `prompts/` into typed records, and the library's lookups."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.content import (
    INTL,
    BarrierKey,
    Characteristic,
    ContactMethod,
    ContentError,
    ContentLibrary,
    Depth,
    IntimacyType,
    ResourceKind,
    StarterFormat,
    default_root,
    load_library,
)
from tests.fixtures.content.helpers import MINI, copy_mini, plant


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library(MINI)


def test_default_root_is_the_repos_prompts_folder() -> None:
    assert default_root() == Path(__file__).resolve().parents[1] / "prompts"


def test_records_are_typed(library: ContentLibrary) -> None:
    prompt = library.prompt("emo-0002")
    assert prompt is not None
    assert prompt.type is IntimacyType.EMOTIONAL and prompt.depth is Depth.MEDIUM
    assert prompt.deck_id == "daily-emotional" and prompt.audience_safe is True
    debate = library.starter("st-0002")
    assert debate is not None and debate.format is StarterFormat.RESPECTFUL_DEBATE
    assert len(debate.positions) == 2 and debate.ground_rules
    assert debate.type is IntimacyType.INTELLECTUAL
    question = library.checkin_question("ci-0003")
    assert question is not None and question.characteristic is Characteristic.TRUST
    resource = library.resource("us-crisis")
    assert resource is not None and resource.verified == date(2026, 11, 1)
    assert resource.contacts[0].method is ContactMethod.CALL and resource.languages == ("en", "es")


def test_lookups_by_type_format_and_key(library: ContentLibrary) -> None:
    assert [p.id for p in library.prompts_of_type(IntimacyType.PHYSICAL)] == [
        "phy-0001",
        "phy-0002",
    ]
    assert [s.id for s in library.starters_of_format(StarterFormat.BOOK_ARTICLE)] == ["st-0005"]
    info = library.intimacy_type(IntimacyType.EMOTIONAL)
    assert info is not None and library.sources_of(info.sources)[0].id == "sinclair-dowdy-2005"
    barrier = library.barrier(BarrierKey.SELF_ESTEEM)
    assert barrier is not None and len(barrier.steps) == 3
    assert library.prompt("emo-9999") is None


def test_display_names() -> None:
    assert StarterFormat.BOOK_ARTICLE.display_name == "Book or article discussion"
    assert BarrierKey.SELF_ESTEEM.display_name == "Self-esteem challenges"
    assert all(len(f.display_name) <= 100 for f in StarterFormat)


@pytest.mark.parametrize("query", ["US", "us", "United States", "  united   states ", "america"])
def test_country_by_code_name_or_alias(library: ContentLibrary, query: str) -> None:
    country = library.country(query)
    assert country is not None and country.code == "US"


def test_search_countries_ranks_prefix_matches(library: ContentLibrary) -> None:
    assert [c.code for c in library.search_countries("deu")] == ["DE"]
    assert [c.code for c in library.search_countries("")] == ["DE", "US"]
    assert library.search_countries("zzz") == []


def test_resources_for_a_country_put_crisis_lines_first(library: ContentLibrary) -> None:
    found = library.resources_for("usa")
    assert found.country is not None and found.country.code == "US"
    assert [r.kind for r in found.local] == [ResourceKind.CRISIS, ResourceKind.THERAPIST]
    assert [r.id for r in found.international] == ["intl-directory"]
    assert not found.is_fallback


@pytest.mark.parametrize("query", [None, "Atlantis"])
def test_unknown_country_falls_back_to_international(
    library: ContentLibrary, query: str | None
) -> None:
    found = library.resources_for(query)
    assert found.is_fallback and found.country is None
    assert [r.country for r in found.international] == [INTL]
    assert [r.id for r in library.international_directories()] == ["intl-directory"]


def _load_error(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(root)
    return caught.value.problems


def test_unknown_key_is_a_schema_error(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    plant(root, "unknown-key", "decks/daily-experiential.toml")
    problems = _load_error(root)
    assert any(
        p.startswith("decks/daily-experiential.toml: exp-0003: audiance_safe: unknown key")
        for p in problems
    ), problems
    assert any("exp-0003: audience_safe: missing required field" in p for p in problems)


def test_duplicate_id_is_a_schema_error(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    plant(root, "duplicate-id", "decks/daily-emotional.toml")
    assert any("emo-0001: id: duplicate id" in p for p in _load_error(root))


def test_wrong_value_types(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    deck = root / "decks/daily-emotional.toml"
    text = deck.read_text().replace("depth = 1", "depth = true", 1)
    deck.write_text(text.replace("audience_safe = true", 'audience_safe = "yes"', 1))
    crisis = root / "resources/crisis.toml"
    crisis.write_text(
        crisis.read_text().replace("verified = 2026-11-01", 'verified = "2026-11-01"', 1)
    )
    problems = _load_error(root)
    assert any("emo-0001: depth: must be 1, 2 or 3, got True" in p for p in problems)
    assert any("emo-0001: audience_safe: must be true or false" in p for p in problems)
    assert any("US: verified: must be an unquoted TOML date" in p for p in problems)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "decks/starters.toml").write_text("[deck\nid = ")
    assert any(p.startswith("decks/starters.toml: invalid TOML") for p in _load_error(root))


def test_unknown_top_level_table_and_stray_text_file(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    with (root / "learn/sources.toml").open("a") as handle:
        handle.write('\n[[sauce]]\nid = "x"\n')
    (root / "texts/other.toml").write_text("[texts]\n")
    problems = _load_error(root)
    assert any("learn/sources.toml: sauce: unknown top-level key" in p for p in problems)
    assert any("texts/other.toml: no schema for this file" in p for p in problems)


def test_missing_flow_text_and_missing_folder(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    flow = root / "texts/checkin-flow.toml"
    flow.write_text(
        "\n".join(line for line in flow.read_text().splitlines() if "reveal" not in line)
    )
    for path in (root / "resources").iterdir():
        path.unlink()
    (root / "resources").rmdir()
    problems = _load_error(root)
    assert any("[texts]: reveal: missing required text" in p for p in problems)
    assert any(p.startswith("resources/: missing folder") for p in problems)


def test_content_error_message_lists_problems() -> None:
    error = ContentError([f"p{i}" for i in range(25)])
    message = str(error)
    assert message.startswith("25 content problem(s)") and "- p19" in message
    assert "... and 5 more" in message and "- p20" not in message


def test_core_is_pure() -> None:
    code = (
        "import sys, bot.content\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'aiosqlite'}))"
    )
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )
    assert result.stdout.strip() == "[]"


def test_missing_flow_file_is_reported(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    (root / "texts/checkin-flow.toml").rename(root / "texts/flow.toml")
    problems = _load_error(root)
    assert "texts/checkin-flow.toml: missing file" in problems
    assert any(p.startswith("texts/flow.toml: no schema") for p in problems)
