"""A tiny bot the emulator's own tests drive: app commands, a button view and a modal.

It is also a worked example of what the emulator supports; the project's real bot lives in
``bot/``.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

COUNTRIES = ["Australia", "Austria", "Belgium", "Canada", "Germany", "Ireland"]


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A modal with one required text input."""

    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Your feedback", custom_id="feedback:text", max_length=200
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.text.value}", ephemeral=True)


class AboutView(discord.ui.View):
    """Buttons under /about: one edits the message, one opens a modal."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="More", custom_id="about:more")
    async def more(self, interaction: discord.Interaction, _: discord.ui.Button[AboutView]) -> None:
        await interaction.response.edit_message(content="More about EmuBot", view=None)

    @discord.ui.button(label="Feedback", custom_id="about:feedback")
    async def feedback(
        self, interaction: discord.Interaction, _: discord.ui.Button[AboutView]
    ) -> None:
        await interaction.response.send_modal(FeedbackModal())


class PickView(discord.ui.View):
    """A string select whose choice is written into the message."""

    @discord.ui.select(
        custom_id="pick:colour",
        options=[discord.SelectOption(label=c, value=c.lower()) for c in ("Red", "Green", "Blue")],
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[PickView]
    ) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}", view=None)


config = app_commands.Group(name="config", description="Bot settings")


@config.command(name="show", description="Show one setting")
@app_commands.describe(key="Which setting")
async def config_show(interaction: discord.Interaction, key: str) -> None:
    await interaction.response.send_message(f"{key} = on", ephemeral=True)


@app_commands.command(name="about", description="What this bot is")
async def about(interaction: discord.Interaction) -> None:
    embed = discord.Embed(title="EmuBot", description="A bot for tests.")
    await interaction.response.send_message(embed=embed, view=AboutView(), ephemeral=True)


@app_commands.command(name="echo", description="Say something in the channel")
@app_commands.describe(text="What to say")
async def echo(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, allowed_mentions=discord.AllowedMentions.none())


@app_commands.command(name="greet", description="Greet a member")
@app_commands.describe(member="Who to greet")
async def greet(interaction: discord.Interaction, member: discord.Member) -> None:
    await interaction.response.send_message(f"Hello {member.mention} ({member.display_name})")


@app_commands.command(name="slow", description="Defer, then answer")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.followup.send("done")


@app_commands.command(name="pick", description="Pick a colour")
async def pick(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("Pick one", view=PickView())


@app_commands.command(name="country", description="Pick a country")
@app_commands.describe(name="Country name")
async def country(interaction: discord.Interaction, name: str) -> None:
    await interaction.response.send_message(f"You picked {name}", ephemeral=True)


@country.autocomplete("name")
async def country_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=c, value=c)
        for c in COUNTRIES
        if c.lower().startswith(current.lower())
    ]


class SampleBot(commands.Bot):
    """The sample bot; ``intents`` default to the non-privileged ones."""

    def __init__(self, *, intents: discord.Intents | None = None, **options: object) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents or discord.Intents.default(),
            **options,  # type: ignore[arg-type]
        )
        self.seen_messages: list[discord.Message] = []

    async def setup_hook(self) -> None:
        commands_: list[app_commands.Command[Any, Any, Any] | app_commands.Group] = [
            about,
            echo,
            greet,
            slow,
            pick,
            country,
            config,
        ]
        for command in commands_:
            self.tree.add_command(command)
        self.add_view(AboutView())

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)
