"""Every button of the check-in flow, as persistent ``DynamicItem``s.

Everything a click needs (group, week, choice) is in the ``custom_id``, so buttons on messages
posted before a restart keep working once the cog registers these classes. Only the members of
a group may use its buttons; every reply is ephemeral.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot import checkin_flow as flow
from bot.checkins import PairingUnavailable
from bot.content import FlowKey
from bot.store.checkins import AnswerStatus
from bot.texts import NOT_THERAPY
from bot.tree import UserFacingError, report_error
from cogs.checkin.access import ENDED, NOT_YOURS, member_group, open_week
from cogs.checkin.answer import send_answer_modal
from cogs.checkin.support import help_embeds, support_requests

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
Button = discord.ui.Button[Any]
SKIP_QUESTION = (
    "Skipping is completely fine, and no reason is needed. If you'd like to say how your week is "
    "going, pick one (only you see this; your pair is never told which):"
)
END_QUESTION = (
    "End this pairing? It's no-fault: the others are only told that the pairing ended, and "
    "everyone is paired again next round."
)
CONNECTED_YES = "Thanks for letting me know. Glad you two connected!"
CONNECTED_NO = "Thanks for letting me know. There's always next week, and that's okay."


async def _guarded(
    interaction: Interaction, custom_id: str, action: Callable[[CommunityBot], Awaitable[None]]
) -> None:
    """Run a click through the one error path, so a refusal reads as a plain sentence."""
    try:
        await action(interaction.client)
    except Exception as error:
        await report_error(interaction, error, where=f"button {custom_id}")


def _button(label: str, custom_id: str, style: discord.ButtonStyle) -> Button:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


async def skip_choice(
    bot: CommunityBot, interaction: Interaction, group_id: int, week: int
) -> None:
    """The private "busy or rough week?" question before a skip is recorded."""
    group = await member_group(bot, group_id, interaction.user.id)
    await open_week(bot, group, week)
    view = discord.ui.View(timeout=None)
    view.add_item(SkipAs(group_id, week, "busy"))
    view.add_item(SkipAs(group_id, week, "rough"))
    await interaction.response.send_message(SKIP_QUESTION, view=view, ephemeral=True)


class AnswerButton(discord.ui.DynamicItem[Button], template=flow.ANSWER_TEMPLATE):
    """Opens the week's answer modal."""

    def __init__(self, group_id: int, week: int) -> None:
        self.group_id, self.week = group_id, week
        super().__init__(
            _button("Answer", flow.answer_id(group_id, week), discord.ButtonStyle.primary)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["group"]), int(match["week"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            group = await member_group(bot, self.group_id, interaction.user.id)
            week = await open_week(bot, group, self.week)
            await send_answer_modal(bot, interaction, group, week)

        await _guarded(interaction, self.custom_id, act)


class SkipButton(discord.ui.DynamicItem[Button], template=flow.SKIP_TEMPLATE):
    """Asks, privately, whether it's a busy week or a rough one."""

    def __init__(self, group_id: int, week: int) -> None:
        self.group_id, self.week = group_id, week
        super().__init__(
            _button("Skip this week", flow.skip_id(group_id, week), discord.ButtonStyle.secondary)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SkipButton:
        return cls(int(match["group"]), int(match["week"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            await skip_choice(bot, interaction, self.group_id, self.week)

        await _guarded(interaction, self.custom_id, act)


class SkipAs(discord.ui.DynamicItem[Button], template=flow.SKIP_AS_TEMPLATE):
    """Records the skip; a rough week also shows private help resources."""

    def __init__(self, group_id: int, week: int, why: str) -> None:
        self.group_id, self.week, self.why = group_id, week, why
        label = "Just busy" if why == "busy" else "Rough week"
        super().__init__(
            _button(label, flow.skip_as_id(group_id, week, why), discord.ButtonStyle.secondary)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SkipAs:
        return cls(int(match["group"]), int(match["week"]), match["why"])

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            rough = self.why == "rough"
            group = await member_group(bot, self.group_id, interaction.user.id)
            texts = bot.content.flow_texts
            if not rough:
                await open_week(bot, group, self.week)
            outcome = await bot.checkins.skip(
                self.group_id, self.week, interaction.user.id, rough=rough
            )
            if rough:
                # Care comes first: the help is shown even when the week has already closed.
                embeds = await help_embeds(bot, group.guild_id)
                await interaction.response.send_message(
                    texts.render(FlowKey.ROUGH_WEEK), embeds=embeds, ephemeral=True
                )
                return
            if outcome.status is AnswerStatus.NOT_OPEN:
                await open_week(bot, group, self.week)  # raises the reason
            await interaction.response.send_message(
                texts.render(FlowKey.SKIP_CONFIRM), ephemeral=True
            )

        await _guarded(interaction, self.custom_id, act)


class SupportButton(discord.ui.DynamicItem[Button], template=flow.SUPPORT_TEMPLATE):
    """Private help resources; offers to tell the support team only if the server has one."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id
        super().__init__(
            _button("Need support", flow.support_id(group_id), discord.ButtonStyle.secondary)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SupportButton:
        return cls(int(match["group"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            group = await member_group(bot, self.group_id, interaction.user.id)
            embeds = await help_embeds(bot, group.guild_id)
            text = bot.content.flow_texts.render(FlowKey.NEED_SUPPORT)
            if await bot.store.support_role_id(group.guild_id) is None:
                await interaction.response.send_message(text, embeds=embeds, ephemeral=True)
                return
            view = discord.ui.View(timeout=None)
            view.add_item(TellSupport(self.group_id))
            await interaction.response.send_message(text, embeds=embeds, view=view, ephemeral=True)

        await _guarded(interaction, self.custom_id, act)


class TellSupport(discord.ui.DynamicItem[Button], template=flow.TELL_SUPPORT_TEMPLATE):
    """The member's consent: only this click tells the server's support role."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id
        super().__init__(
            _button(
                "Yes, let the support team know",
                flow.tell_support_id(group_id),
                discord.ButtonStyle.primary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TellSupport:
        return cls(int(match["group"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            group = await member_group(bot, self.group_id, interaction.user.id)
            await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await support_requests(bot).tell(group, interaction.user.id)
            await interaction.followup.send(f"{reply}\n-# {NOT_THERAPY}", ephemeral=True)

        await _guarded(interaction, self.custom_id, act)


class EndButton(discord.ui.DynamicItem[Button], template=flow.END_TEMPLATE):
    """Asks, privately, to confirm ending the pairing."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id
        super().__init__(_button("End pairing", flow.end_id(group_id), discord.ButtonStyle.danger))

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EndButton:
        return cls(int(match["group"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            group = await member_group(bot, self.group_id, interaction.user.id)
            if group.ended_at is not None:
                raise UserFacingError(ENDED)
            view = discord.ui.View(timeout=None)
            view.add_item(EndConfirm(self.group_id))
            await interaction.response.send_message(END_QUESTION, view=view, ephemeral=True)

        await _guarded(interaction, self.custom_id, act)


class EndConfirm(discord.ui.DynamicItem[Button], template=flow.END_CONFIRM_TEMPLATE):
    """Ends the pairing through the pairing engine (which tells the space, no-fault)."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id
        super().__init__(
            _button(
                "Yes, end the pairing", flow.end_confirm_id(group_id), discord.ButtonStyle.danger
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EndConfirm:
        return cls(int(match["group"]))

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            group = await member_group(bot, self.group_id, interaction.user.id)
            if group.ended_at is not None:
                raise UserFacingError(ENDED)
            await interaction.response.defer(ephemeral=True, thinking=True)
            try:
                ended = await bot.checkins.end_pairing(self.group_id, interaction.user.id)
            except PairingUnavailable:
                log.error("End pairing pressed but the pairing feature is not loaded")
                raise UserFacingError(
                    "I can't end pairings right now. Please try again in a little while."
                ) from None
            text = bot.content.flow_texts.render(FlowKey.PAIRING_ENDED) if ended else ENDED
            await interaction.followup.send(text, ephemeral=True)

        await _guarded(interaction, self.custom_id, act)


class ConnectButton(discord.ui.DynamicItem[Button], template=flow.CONNECT_TEMPLATE):
    """The "did you connect?" answer: stored as a count, nothing more."""

    def __init__(self, group_id: int, week: int, connected: bool) -> None:
        self.group_id, self.week, self.connected = group_id, week, connected
        super().__init__(
            _button(
                "Yes" if connected else "Not this week",
                flow.connect_id(group_id, week, connected),
                discord.ButtonStyle.success if connected else discord.ButtonStyle.secondary,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ConnectButton:
        return cls(int(match["group"]), int(match["week"]), match["answer"] == "yes")

    async def callback(self, interaction: Interaction) -> None:
        async def act(bot: CommunityBot) -> None:
            user_id = interaction.user.id
            await member_group(bot, self.group_id, user_id)
            await bot.store.record_checkin_connect(
                self.group_id, self.week, user_id, self.connected
            )
            reply = CONNECTED_YES if self.connected else CONNECTED_NO
            await interaction.response.send_message(reply, ephemeral=True)

        await _guarded(interaction, self.custom_id, act)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    SkipButton,
    SkipAs,
    SupportButton,
    TellSupport,
    EndButton,
    EndConfirm,
    ConnectButton,
)


class CheckinButtons:
    """The views the engine posts (``bot.checkins.CheckinViews``)."""

    def questions(self, group_id: int, week: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(AnswerButton(group_id, week))
        view.add_item(SkipButton(group_id, week))
        view.add_item(SupportButton(group_id))
        view.add_item(EndButton(group_id))
        return view

    def reminder(self, group_id: int, week: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(AnswerButton(group_id, week))
        view.add_item(SkipButton(group_id, week))
        return view

    def followup(self, group_id: int, week: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(ConnectButton(group_id, week, True))
        view.add_item(ConnectButton(group_id, week, False))
        return view


__all__ = ["DYNAMIC_ITEMS", "NOT_YOURS", "CheckinButtons", "skip_choice"]
