"""`/intimacy` embeds from the real library: sources, prompts, limits, the not-therapy line."""

from __future__ import annotations

import random

import discord
import pytest

from bot.content import ContentLibrary, load_library
from bot.content.vocab import BarrierKey, IntimacyType
from bot.embeds import fits_in_message
from bot.texts import NOT_THERAPY
from cogs.learn.render import (
    BARRIER_PROMPT_TYPES,
    barrier_embed,
    barriers_embed,
    first_sentence,
    light_prompt,
    scale_embed,
    type_embed,
    types_embed,
)


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library()


def fields(embed: discord.Embed) -> dict[str, str]:
    return {f.name or "": f.value or "" for f in embed.fields}


def test_types_lists_all_four_with_a_pointer(library: ContentLibrary) -> None:
    embed = types_embed(library)
    names = [f.name for f in embed.fields]
    assert names[:4] == [t.name for t in library.intimacy_types]
    assert "/intimacy type" in fields(embed)["Learn more"]
    assert embed.footer.text == NOT_THERAPY
    assert fits_in_message([embed])


@pytest.mark.parametrize("key", list(IntimacyType))
def test_type_has_examples_research_sources_and_a_light_prompt(
    library: ContentLibrary, key: IntimacyType
) -> None:
    info = library.intimacy_type(key)
    assert info is not None
    prompt = light_prompt(library, key, random.Random(7))
    assert prompt is not None
    assert (prompt.type, prompt.depth, prompt.audience_safe) == (key, 1, True)
    embed = type_embed(library, info, prompt)
    shown = fields(embed)
    assert embed.title == info.name
    assert embed.description == info.summary
    assert all(example in shown["Examples"] for example in info.examples)
    assert shown["What research says"] == info.research_note
    assert shown["Try this"] == prompt.text
    citations = "\n".join(v for n, v in shown.items() if n.startswith("Sources"))
    for source in library.sources_of(info.sources):
        assert source.citation in citations
        if source.url:
            assert f"]({source.url})" in citations
    assert embed.footer.text == NOT_THERAPY
    assert fits_in_message([embed])


def test_scale_is_honest_about_the_five_characteristics(library: ContentLibrary) -> None:
    embed = scale_embed(library)
    assert embed.title == library.scale.name
    assert library.scale.summary in (embed.description or "")
    assert "not the scale's items" in (embed.description or "")
    assert [f.name for f in embed.fields][:5] == [
        "Knowledge",
        "Mutuality",
        "Trust",
        "Commitment",
        "Caring",
    ]
    assert "Sinclair, V. G., & Dowdy" in fields(embed)["Sources"]
    assert embed.footer.text == NOT_THERAPY
    assert fits_in_message([embed])


def test_barriers_list_all_five(library: ContentLibrary) -> None:
    embed = barriers_embed(library)
    assert [f.name for f in embed.fields] == [b.name for b in library.barriers]
    assert "/intimacy barriers barrier:" in (embed.description or "")
    assert embed.footer.text == NOT_THERAPY


@pytest.mark.parametrize("key", list(BarrierKey))
def test_barrier_has_steps_a_gentle_prompt_and_help_for_trauma(
    library: ContentLibrary, key: BarrierKey
) -> None:
    barrier = library.barrier(key)
    assert barrier is not None
    prompt = light_prompt(library, BARRIER_PROMPT_TYPES[key], random.Random(3))
    assert prompt is not None
    embed = barrier_embed(library, barrier, prompt)
    shown = fields(embed)
    assert all(f"{n}. {step}" in shown["Small steps"] for n, step in enumerate(barrier.steps, 1))
    assert prompt.text in shown["Try this"]
    assert ("If you need support" in shown) is (key is BarrierKey.PAST_TRAUMA)
    if key is BarrierKey.PAST_TRAUMA:
        assert "/resources" in shown["If you need support"]
    assert ("Sources" in shown) is bool(barrier.sources)
    assert embed.footer.text == NOT_THERAPY
    assert fits_in_message([embed])


def test_first_sentence() -> None:
    assert first_sentence("One thing. Two things.") == "One thing."
    assert first_sentence("No full stop") == "No full stop"
