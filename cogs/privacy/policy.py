"""The `/privacy policy` text: what the bot stores, what it never stores, who sees what.

Kept beside the cog rather than in `prompts/` because it describes the bot's data model, which
changes with the code, not the content. Each field stays under Discord's 1,024-character limit.
"""

from __future__ import annotations

import discord

from bot.texts import NOT_THERAPY

POLICY_COLOUR = 0x5B8DEF

INTRO = (
    "I store only what you give me through my commands, buttons and forms, and only what a "
    "feature needs. I keep Discord ids, not your name, avatar or messages."
)

STORED = (
    "**Schedules, server prompts, suggestions and server resources:** what was set up or "
    "written, and the id of the member who created it, so moderators can review suggestions and "
    "you can export or delete yours.\n"
    "**Pairs:** that you opted in, your time zone, pauses, the members you blocked, who you were "
    "paired with and when (so nobody is re-paired too soon), and your check-in answers and skips.\n"
    "**Check-in answers** are kept only until both of you have seen them, plus 7 days, then "
    "deleted."
)

NEVER_STORED = (
    "I don't read messages in channels and I don't scan anything: I'm not given message content "
    "at all. I see only what you send me through my own commands, buttons and forms."
)

WHO_SEES = (
    "**Your check-in answers:** your pair, once both of you have answered. I never show them to "
    "moderators; pairing stats are counts only.\n"
    "**Your blocks:** only you. The member you block is never told.\n"
    "**Your suggestions:** the server's moderators, with your name, in their review queue.\n"
    "**Private pair threads:** moderators with the Manage Threads permission can see private "
    "threads on Discord, so they could read what is posted in your pair's thread. I can't change "
    "that.\n"
    "**The bot's operator** (whoever runs this bot) has access to its database."
)

YOUR_DATA = (
    "`/privacy export` sends you a copy of everything I store about you, as a JSON file, "
    "privately.\n"
    "`/privacy delete` deletes all of your data."
)


def policy_embed() -> discord.Embed:
    """The `/privacy policy` reply."""
    embed = discord.Embed(title="Privacy", description=INTRO, colour=POLICY_COLOUR)
    embed.add_field(name="What I store", value=STORED, inline=False)
    embed.add_field(name="What I never store", value=NEVER_STORED, inline=False)
    embed.add_field(name="Who can see what", value=WHO_SEES, inline=False)
    embed.add_field(name="Your data", value=YOUR_DATA, inline=False)
    embed.add_field(name="Not therapy", value=NOT_THERAPY, inline=False)
    return embed
