"""Embeds for `/intimacy`: explainers from `prompts/learn/`, each with its sources.

Every embed carries the not-therapy line in its footer. Texts come from the content library,
whose check already holds each one to the limit of the place it is shown; `truncate` is the
safety net, not the plan.
"""

from __future__ import annotations

import random
import re

import discord

from bot.content import ContentLibrary, daily_pool
from bot.content.models import Barrier, IntimacyTypeInfo, Prompt, Source
from bot.content.vocab import BarrierKey, Characteristic, Depth, IntimacyType
from bot.embeds import EMBED_DESCRIPTION, EMBED_FIELD_VALUE, chunk_lines, source_fields, truncate
from bot.texts import NOT_THERAPY

TYPE_COLOURS = {
    IntimacyType.EMOTIONAL: 0xE06C75,
    IntimacyType.INTELLECTUAL: 0x5B8DEF,
    IntimacyType.EXPERIENTIAL: 0x3BA55D,
    IntimacyType.PHYSICAL: 0xE5A44B,
}
LEARN_COLOUR = 0x8E7CC3
BARRIER_COLOUR = 0x9AA5B1

# Which daily deck a barrier's "try this" comes from: a light, low-stakes way in. Past trauma and
# lack of trust get doing-together prompts, which build closeness without asking anyone to share
# their story; communication issues get idea-sharing ones, which practise listening.
BARRIER_PROMPT_TYPES: dict[BarrierKey, IntimacyType] = {
    BarrierKey.FEAR_OF_VULNERABILITY: IntimacyType.EMOTIONAL,
    BarrierKey.PAST_TRAUMA: IntimacyType.EXPERIENTIAL,
    BarrierKey.COMMUNICATION_ISSUES: IntimacyType.INTELLECTUAL,
    BarrierKey.LACK_OF_TRUST: IntimacyType.EXPERIENTIAL,
    BarrierKey.SELF_ESTEEM: IntimacyType.EMOTIONAL,
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of a summary, as the one-line description in a list."""
    return truncate(_SENTENCE_END.split(text.strip(), maxsplit=1)[0], limit)


def light_prompt(library: ContentLibrary, type_: IntimacyType, rng: random.Random) -> Prompt | None:
    """A random audience-safe daily prompt of ``type_`` at depth 1, for "Try this"."""
    pool = daily_pool(library, [type_], max_depth=Depth.LIGHT)
    if not pool:
        return None
    return library.prompt(rng.choice(pool))


def _finish(embed: discord.Embed, sources: tuple[Source, ...]) -> discord.Embed:
    for name, value in source_fields(sources):
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=NOT_THERAPY)
    return embed


def types_embed(library: ContentLibrary) -> discord.Embed:
    """`/intimacy types`: the four types, one line each."""
    embed = discord.Embed(
        title="Four kinds of intimacy",
        description=(
            "Closeness between people comes in several kinds. This bot talks about four, and "
            "everything here is about friendship and community, never anything sexual."
        ),
        colour=LEARN_COLOUR,
    )
    for info in library.intimacy_types:
        embed.add_field(name=info.name, value=first_sentence(info.summary), inline=False)
    embed.add_field(
        name="Learn more",
        value=(
            "`/intimacy type` explains one kind with examples and research, `/intimacy scale` "
            "the five characteristics of emotional intimacy, and `/intimacy barriers` what can "
            "get in the way."
        ),
        inline=False,
    )
    embed.set_footer(text=NOT_THERAPY)
    return embed


def type_embed(
    library: ContentLibrary, info: IntimacyTypeInfo, prompt: Prompt | None
) -> discord.Embed:
    """`/intimacy type`: summary, examples, what research says, sources and a light prompt."""
    embed = discord.Embed(
        title=info.name,
        description=truncate(info.summary, EMBED_DESCRIPTION),
        colour=TYPE_COLOURS[info.key],
    )
    examples = chunk_lines(f"• {example}" for example in info.examples)
    embed.add_field(name="Examples", value=examples[0], inline=False)
    if info.research_note:
        embed.add_field(
            name="What research says",
            value=truncate(info.research_note, EMBED_FIELD_VALUE),
            inline=False,
        )
    if prompt is not None:
        embed.add_field(name="Try this", value=prompt.text, inline=False)
    return _finish(embed, library.sources_of(info.sources))


def scale_embed(library: ContentLibrary) -> discord.Embed:
    """`/intimacy scale`: the Emotional Intimacy Scale, honestly, and the five characteristics."""
    scale = library.scale
    description = (
        f"{scale.summary}\n\n**The five characteristics the check-ins are grouped by** "
        "(the bot's own organising choice, not the scale's items):"
    )
    embed = discord.Embed(
        title=scale.name,
        description=truncate(description, EMBED_DESCRIPTION),
        colour=TYPE_COLOURS[IntimacyType.EMOTIONAL],
    )
    source_ids: list[str] = list(scale.sources)
    for key in Characteristic:
        info = library.characteristic(key)
        if info is None:
            continue
        embed.add_field(name=info.name, value=first_sentence(info.summary), inline=False)
        source_ids.extend(info.sources)
    return _finish(embed, library.sources_of(dict.fromkeys(source_ids)))


def barriers_embed(library: ContentLibrary) -> discord.Embed:
    """`/intimacy barriers` without a choice: the five barriers, one line each."""
    embed = discord.Embed(
        title="What can get in the way of closeness",
        description=(
            "These are common, and none of them is a personal failing. Choose one with "
            "`/intimacy barriers barrier:` for a few gentle, practical steps."
        ),
        colour=BARRIER_COLOUR,
    )
    for barrier in library.barriers:
        embed.add_field(name=barrier.name, value=first_sentence(barrier.summary), inline=False)
    embed.set_footer(text=NOT_THERAPY)
    return embed


def barrier_embed(
    library: ContentLibrary, barrier: Barrier, prompt: Prompt | None
) -> discord.Embed:
    """`/intimacy barriers barrier:`: summary, steps, sources, a gentle prompt, help pointers."""
    embed = discord.Embed(
        title=barrier.name,
        description=truncate(barrier.summary, EMBED_DESCRIPTION),
        colour=BARRIER_COLOUR,
    )
    steps = chunk_lines(f"{n}. {step}" for n, step in enumerate(barrier.steps, start=1))
    embed.add_field(name="Small steps", value=steps[0], inline=False)
    if prompt is not None:
        embed.add_field(
            name="Try this",
            value=f"When you feel ready, a light question to share with someone you trust:\n"
            f"“{prompt.text}”",
            inline=False,
        )
    if barrier.key is BarrierKey.PAST_TRAUMA:
        embed.add_field(
            name="If you need support",
            value=(
                "`/resources` privately lists crisis lines and ways to find a trauma-informed "
                "therapist where you live."
            ),
            inline=False,
        )
    return _finish(embed, library.sources_of(barrier.sources))
