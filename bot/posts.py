"""What a schedule posts: its pool of items, an item looked up by id, and the embed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.content.models import Prompt, Starter
from bot.content.vocab import IntimacyType, StarterFormat
from bot.store.decks import GuildPrompt, guild_prompt_id
from bot.store.schedules import Schedule

if TYPE_CHECKING:
    from bot.client import CommunityBot

PROMPT_COLOUR = 0x5B8DEF
STARTER_COLOUR = 0x3BA55D


@dataclass(frozen=True, slots=True)
class PostItem:
    """A prompt or starter, resolved from its ledger id, ready to render."""

    item_id: str
    text: str
    title: str
    detail: str
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def thread_name(self) -> str:
        """Discord thread names are 1-100 characters."""
        return self.text if len(self.text) <= 100 else self.text[:99].rstrip() + "…"


def prompt_item(prompt: Prompt | GuildPrompt, item_id: str) -> PostItem:
    type_ = IntimacyType(prompt.type)
    origin = "Server prompt" if isinstance(prompt, GuildPrompt) else "Daily connection prompt"
    return PostItem(
        item_id=item_id,
        text=prompt.text,
        title=origin,
        detail=f"{type_.display_name} · depth {int(prompt.depth)}",
    )


def starter_item(starter: Starter) -> PostItem:
    fields: list[tuple[str, str]] = []
    if starter.positions:
        fields.append(("Position A", starter.positions[0]))
        fields.append(("Position B", starter.positions[1]))
    if starter.ground_rules:
        fields.append(("Ground rules", starter.ground_rules))
    if starter.reading_window:
        fields.append(("Reading window", starter.reading_window))
    if starter.bring_back:
        fields.append(("Bring back", starter.bring_back))
    if starter.follow_up:
        fields.append(("Keep going", starter.follow_up))
    return PostItem(
        item_id=starter.id,
        text=starter.text,
        title=f"Conversation starter: {starter.format.display_name}",
        detail=f"Intellectual · depth {int(starter.depth)}",
        fields=tuple(fields),
    )


async def pool_for(bot: CommunityBot, schedule: Schedule) -> list[str]:
    """Every item id this schedule may post, built-in first, then the server's own prompts."""
    library = bot.content
    if schedule.kind == "starter":
        fmt = StarterFormat(schedule.starter_format) if schedule.starter_format else None
        return [
            s.id
            for s in library.starters
            if s.depth <= schedule.max_depth and (fmt is None or s.format is fmt)
        ]
    types = set(schedule.types) if schedule.types else {t.value for t in IntimacyType}
    pool = [
        p.id
        for p in library.prompts
        if p.type.value in types and p.depth <= schedule.max_depth and p.audience_safe
    ]
    pool += [
        gp.item_id
        for gp in await bot.store.guild_prompts(schedule.guild_id)
        if gp.type in types and gp.depth <= schedule.max_depth
    ]
    return pool


class UnknownItem(LookupError):
    """A ledger item id that no longer resolves (a removed server prompt, a retired id)."""


async def resolve_item(bot: CommunityBot, guild_id: int, item_id: str) -> PostItem:
    """The item behind a ledger id; removed server prompts still resolve for history."""
    row_id = guild_prompt_id(item_id)
    if row_id is not None:
        prompt = await bot.store.get_guild_prompt(guild_id, row_id, include_removed=True)
        if prompt is None:
            raise UnknownItem(item_id)
        return prompt_item(prompt, item_id)
    builtin = bot.content.prompt(item_id)
    if builtin is not None:
        return prompt_item(builtin, item_id)
    starter = bot.content.starter(item_id)
    if starter is not None:
        return starter_item(starter)
    raise UnknownItem(item_id)


def render_post(item: PostItem, slot_time: datetime | None = None) -> discord.Embed:
    """The embed: the text large, the type and depth discreetly in the footer with the item id.

    A scheduled post carries its slot's time as the embed timestamp. With the item id at the end
    of the footer, that lets the engine recognise its own post after a crash, whatever the clocks.
    """
    colour = STARTER_COLOUR if item.title.startswith("Conversation") else PROMPT_COLOUR
    embed = discord.Embed(
        title=item.title, description=item.text, colour=colour, timestamp=slot_time
    )
    for name, value in item.fields:
        embed.add_field(name=name, value=value, inline=name.startswith("Position"))
    embed.set_footer(text=f"{item.detail} · {item.item_id}")
    return embed
