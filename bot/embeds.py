"""Shared embed helpers: Discord's size limits, truncation, citations, and packing into messages.

Discord rejects a message whose embeds break a limit (a field value over 1,024 characters, more
than 25 fields, more than 6,000 characters across all embeds, more than 10 embeds), so every
help surface is built through these helpers rather than by hoping the content is short.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import discord

from bot.content.limits import EMBED_DESCRIPTION, EMBED_FIELD_NAME, EMBED_FIELD_VALUE, EMBED_TITLE
from bot.content.models import Source

EMBED_FOOTER = 2048
FIELDS_PER_EMBED = 25
EMBEDS_PER_MESSAGE = 10
MESSAGE_EMBED_TOTAL = 6000
ELLIPSIS = "…"

__all__ = [
    "EMBEDS_PER_MESSAGE",
    "EMBED_DESCRIPTION",
    "EMBED_FIELD_NAME",
    "EMBED_FIELD_VALUE",
    "EMBED_FOOTER",
    "EMBED_TITLE",
    "FIELDS_PER_EMBED",
    "MESSAGE_EMBED_TOTAL",
    "Field",
    "Section",
    "chunk_lines",
    "citation_line",
    "fits_in_message",
    "link_label",
    "pack_sections",
    "source_fields",
    "take_fields",
    "truncate",
]


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def chunk_lines(lines: Iterable[str], limit: int = EMBED_FIELD_VALUE) -> list[str]:
    """Join lines with newlines into as few chunks of at most ``limit`` characters as possible.

    A line is never split between chunks; a single line longer than ``limit`` is truncated.
    """
    chunks: list[str] = []
    current = ""
    for raw in lines:
        line = truncate(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    if current:
        chunks.append(current)
    return chunks


def link_label(url: str) -> str:
    """A short, readable label for a link: the host and path without the scheme or ``www.``."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    return truncate(f"{host}{path}", 60) if host else truncate(url, 60)


def citation_line(source: Source) -> str:
    """One cited work as a bullet, with a link when the library has one."""
    if source.url:
        return f"• {source.citation} [{link_label(source.url)}]({source.url})"
    return f"• {source.citation}"


def source_fields(sources: Sequence[Source], title: str = "Sources") -> list[tuple[str, str]]:
    """(name, value) embed fields listing ``sources``, split so each value fits a field."""
    chunks = chunk_lines(citation_line(s) for s in sources)
    return [(title if i == 0 else f"{title} (continued)", chunk) for i, chunk in enumerate(chunks)]


def fits_in_message(embeds: Sequence[discord.Embed]) -> bool:
    """True when Discord would accept these embeds in one message."""
    if not 1 <= len(embeds) <= EMBEDS_PER_MESSAGE:
        return False
    if sum(len(e) for e in embeds) > MESSAGE_EMBED_TOTAL:
        return False
    return all(_embed_fits(e) for e in embeds)


def _embed_fits(embed: discord.Embed) -> bool:
    if len(embed.title or "") > EMBED_TITLE or len(embed.description or "") > EMBED_DESCRIPTION:
        return False
    if len(embed.fields) > FIELDS_PER_EMBED or len(embed.footer.text or "") > EMBED_FOOTER:
        return False
    return all(
        1 <= len(f.name or "") <= EMBED_FIELD_NAME and 1 <= len(f.value or "") <= EMBED_FIELD_VALUE
        for f in embed.fields
    )


@dataclass(frozen=True, slots=True)
class Field:
    """An embed field; the name and value are truncated to Discord's limits when rendered."""

    name: str
    value: str

    def rendered(self) -> tuple[str, str]:
        return truncate(self.name, EMBED_FIELD_NAME), truncate(self.value, EMBED_FIELD_VALUE)

    def size(self) -> int:
        name, value = self.rendered()
        return len(name) + len(value)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of fields; one or more embeds of the same colour when packed."""

    title: str
    fields: Sequence[Field] = ()
    description: str | None = None
    colour: int = 0x5B8DEF


# Room kept for the line that says how much did not fit.
_OVERFLOW_RESERVE = 80


def pack_sections(
    sections: Sequence[Section],
    *,
    footer: str | None = None,
    max_embeds: int = EMBEDS_PER_MESSAGE,
    max_total: int = MESSAGE_EMBED_TOTAL,
) -> list[discord.Embed]:
    """Render sections in order as embeds that together fit one message.

    A section with more than 25 fields continues in another embed. When the message budget
    (``max_embeds`` embeds, ``max_total`` characters) runs out, packing stops and the last embed
    says how many entries were left out, so put what must be seen first. ``footer`` goes on the
    last embed and is always kept.
    """
    footer_text = truncate(footer, EMBED_FOOTER) if footer else None
    budget = max_total - (len(footer_text) if footer_text else 0) - _OVERFLOW_RESERVE
    packer = _Packer(budget, max_embeds)
    for position, section in enumerate(sections):
        if not packer.pack(section):
            left = packer.left_in_section + sum(len(s.fields) for s in sections[position + 1 :])
            packer.note_overflow(left)
            break
    if footer_text and packer.embeds:
        packer.embeds[-1].set_footer(text=footer_text)
    return packer.embeds


class _Packer:
    """The running state of `pack_sections`: embeds so far and characters used."""

    def __init__(self, budget: int, max_embeds: int) -> None:
        self.budget = budget
        self.max_embeds = max_embeds
        self.embeds: list[discord.Embed] = []
        self.used = 0
        self.left_in_section = 0

    def _start(self, title: str, description: str | None, colour: int) -> discord.Embed | None:
        size = len(title) + len(description or "")
        if len(self.embeds) >= self.max_embeds or self.used + size > self.budget:
            return None
        embed = discord.Embed(title=title, description=description, colour=colour)
        self.embeds.append(embed)
        self.used += size
        return embed

    def pack(self, section: Section) -> bool:
        """Add one section; False when it did not fit completely."""
        self.left_in_section = len(section.fields)
        title = truncate(section.title, EMBED_TITLE)
        description = (
            truncate(section.description, EMBED_DESCRIPTION) if section.description else None
        )
        embed = self._start(title, description, section.colour)
        if embed is None:
            return False
        for item in section.fields:
            if len(embed.fields) >= FIELDS_PER_EMBED:
                continued = truncate(f"{section.title} (continued)", EMBED_TITLE)
                next_embed = self._start(continued, None, section.colour)
                if next_embed is None:
                    return False
                embed = next_embed
            if self.used + item.size() > self.budget:
                return False
            name, value = item.rendered()
            embed.add_field(name=name, value=value, inline=False)
            self.used += len(name) + len(value)
            self.left_in_section -= 1
        return True

    def note_overflow(self, count: int) -> None:
        """Say how many entries were left out, on the last embed (the budget kept room)."""
        if count <= 0 or not self.embeds:
            return
        text = f"{count} more {'entry' if count == 1 else 'entries'} did not fit in this message."
        last = self.embeds[-1]
        if len(last.fields) < FIELDS_PER_EMBED:
            last.add_field(name="More", value=text, inline=False)


def take_fields(fields: Sequence[Field], budget: int) -> tuple[list[Field], int]:
    """The leading fields whose sizes fit in ``budget`` characters, and how many were left out."""
    kept: list[Field] = []
    used = 0
    for item in fields:
        if used + item.size() > budget:
            break
        kept.append(item)
        used += item.size()
    return kept, len(fields) - len(kept)
