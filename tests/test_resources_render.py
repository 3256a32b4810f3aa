"""The `/resources` reply from the real library: order, fallback, sources, and message limits."""

from __future__ import annotations

import discord
import pytest

from bot.content import ContentLibrary, load_library
from bot.embeds import fits_in_message
from bot.store.resources import ServerResource
from bot.texts import NOT_THERAPY
from cogs.resources.countries import country_choices
from cogs.resources.render import ResourcesQuery, resources_embeds


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library()


def server_resource(n: int, country: str | None = None, size: int = 300) -> ServerResource:
    return ServerResource(
        id=n,
        guild_id=1,
        name=f"Server line {n}",
        contact="https://example.org/" + "p" * 150,
        description="d" * size,
        country=country,
        added_by=2,
        created_at="2026-11-23T00:00:00Z",
    )


def render(
    library: ContentLibrary, typed: str | None, server: list[ServerResource] | None = None
) -> list[discord.Embed]:
    query = ResourcesQuery(typed, library.resources_for(typed))
    return resources_embeds(query, server or [], library)


def text_of(embeds: list[discord.Embed]) -> str:
    parts: list[str] = []
    for embed in embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


@pytest.mark.parametrize("code", ["US", "CA", "GB", "IE", "AU", "NZ", "IN", "FR"])
def test_every_country_fits_and_shows_its_emergency_number_in_bold(
    library: ContentLibrary, code: str
) -> None:
    country = library.country(code)
    assert country is not None
    embeds = render(library, code)
    assert fits_in_message(embeds)
    assert embeds[0].title == f"Help in {country.name}"
    assert f"**If you are in danger, call {country.emergency} " in (embeds[0].description or "")
    assert embeds[-1].footer.text == NOT_THERAPY
    shown = text_of(embeds)
    for resource in library.resources_for(code).local:
        assert resource.name in shown
        assert f"[Source]({resource.source}) · checked " in shown
    assert "International directories" in [e.title for e in embeds]


def test_crisis_lines_come_before_therapists_and_directories(library: ContentLibrary) -> None:
    titles = [e.title for e in render(library, "US")]
    assert titles == [
        "Help in United States",
        "Crisis lines in United States",
        "Finding a therapist in United States",
        "International directories",
    ]
    crisis = render(library, "US")[1]
    lifeline = next(f for f in crisis.fields if f.name == "988 Suicide & Crisis Lifeline")
    assert "Call: **988** · Text: **988**" in (lifeline.value or "")
    assert "Hours: 24/7" in (lifeline.value or "")
    assert "checked 23 Nov 2026" in (lifeline.value or "")


@pytest.mark.parametrize("typed", [None, "Narnia"])
def test_no_or_unknown_country_falls_back(library: ContentLibrary, typed: str | None) -> None:
    embeds = render(library, typed)
    assert fits_in_message(embeds)
    header = embeds[0].description or ""
    assert "**If you are in danger, call your local emergency number.**" in header
    assert ("I don't have a list for “Narnia”" in header) is (typed == "Narnia")
    assert ("Add `country:`" in header) is (typed is None)
    assert "Find A Helpline" in text_of(embeds)
    assert embeds[-1].footer.text == NOT_THERAPY


def test_server_resources_come_first_filtered_by_country(library: ContentLibrary) -> None:
    mine = [server_resource(1), server_resource(2, "NZ", 20), server_resource(3, "US", 20)]
    embeds = render(library, "NZ", mine)
    assert [e.title for e in embeds][:2] == ["Help in New Zealand", "From this server"]
    assert [f.name for f in embeds[1].fields] == ["Server line 1", "Server line 2"]
    assert "For members in New Zealand" in (embeds[1].fields[1].value or "")
    # Without a country, every server resource is listed.
    assert len(render(library, None, mine)[1].fields) == 3


def test_a_long_server_list_never_pushes_crisis_lines_out(library: ContentLibrary) -> None:
    mine = [server_resource(n) for n in range(25)]
    embeds = render(library, "US", mine)
    assert fits_in_message(embeds)
    shown = text_of(embeds)
    for resource in library.resources_for("US").local:
        assert resource.name in shown
    server = embeds[1]
    assert server.title == "From this server"
    assert 0 < len(server.fields) < 25
    assert f"{25 - len(server.fields)} more did not fit here" in (server.description or "")


def test_country_autocomplete(library: ContentLibrary) -> None:
    assert [c.value for c in country_choices(library, "NZ")] == ["NZ"]
    assert [c.value for c in country_choices(library, "new")] == ["NZ"]
    assert [c.value for c in country_choices(library, "zeal")] == ["NZ"]
    assert country_choices(library, "NZ")[0].name == "New Zealand (NZ)"
    assert len(country_choices(library, "")) == len(library.countries)
    assert country_choices(library, "zzzz") == []
