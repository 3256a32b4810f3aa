"""Slash-command choices for the learn commands, validated in the signature.

Discord only offers the listed choices, but a stale client or a hand-made request can still send
another value; the transformer turns that into a clear message instead of a crash.
"""

from __future__ import annotations

from typing import Any, ClassVar

import discord
from discord import app_commands

from bot.content.vocab import BarrierKey, IntimacyType


class _VocabularyChoice(app_commands.Transformer[Any]):
    """A string option whose choices are one vocabulary, transformed into its enum member."""

    vocabulary: ClassVar[type[IntimacyType] | type[BarrierKey]]
    noun: ClassVar[str]

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def choices(self) -> list[app_commands.Choice[str | int | float]]:
        return [
            app_commands.Choice(name=member.display_name, value=member.value)
            for member in self.vocabulary
        ]

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Any:
        try:
            return self.vocabulary(str(value))
        except ValueError:
            names = ", ".join(m.display_name for m in self.vocabulary)
            raise ValueError(
                f"I don't know the {self.noun} {str(value)[:40]!r}. Pick one from the list: "
                f"{names}."
            ) from None


class IntimacyTypeChoice(_VocabularyChoice):
    """One of the four intimacy types."""

    vocabulary = IntimacyType
    noun = "intimacy type"


class BarrierChoice(_VocabularyChoice):
    """One of the five barriers."""

    vocabulary = BarrierKey
    noun = "barrier"
