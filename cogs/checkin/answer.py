"""The Answer modal: one paragraph input per question, and what happens when it is submitted.

Submissions are handled by the cog's ``on_interaction`` listener from the modal's custom id
(``checkin:modal:<group>:<week>``), not by the Modal object, so a modal opened before a restart
still saves. The inputs carry Discord's limits (required, at most 1,000 characters each), so the
client refuses an over-long answer while the text is still in the box; should one get through
anyway, or arrive after the week closed, the member gets their text back as a file: nothing
typed is ever lost silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.checkin_flow import ANSWER_MAX_LENGTH, modal_id
from bot.content import CheckinQuestion
from bot.files import text_file
from bot.store.checkins import AnswerStatus, CheckinGroup, CheckinWeek
from bot.tree import UserFacingError
from cogs.checkin.access import CLOSED, ENDED, NOT_YOURS, NOTHING_OPEN, REVEALED, member_group

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
INPUT_HINT = f"Up to {ANSWER_MAX_LENGTH:,} characters. Shown once everyone here has answered."
SAVED = "Saved. Your answers stay hidden until everyone in your pairing has answered."
REPLACED = (
    "Updated: these answers replace your earlier ones. They stay hidden until everyone in your "
    "pairing has answered."
)
COMPLETE = "Saved, and everyone has answered: the answers are now shown in your pair's space."
COPY_NAME = "my-check-in-answers.txt"


class AnswerModal(discord.ui.Modal):
    """The week's questions as inputs; the cog's listener handles the submission."""

    def __init__(
        self,
        group_id: int,
        week: int,
        questions: Sequence[CheckinQuestion],
        previous: Mapping[str, str],
    ) -> None:
        # A timeout only frees memory: the listener saves a submission whenever it arrives.
        super().__init__(
            title=f"Check-in: week {week}", custom_id=modal_id(group_id, week), timeout=900
        )
        for question in questions:
            self.add_item(
                discord.ui.Label(
                    text=question.label,
                    description=INPUT_HINT,
                    component=discord.ui.TextInput(
                        custom_id=question.id,
                        style=discord.TextStyle.paragraph,
                        placeholder=question.text,
                        default=previous.get(question.id) or None,
                        required=True,
                        min_length=1,
                        max_length=ANSWER_MAX_LENGTH,
                    ),
                )
            )


def week_questions(bot: CommunityBot, week: CheckinWeek) -> list[CheckinQuestion]:
    found = [bot.content.checkin_question(i) for i in week.question_ids]
    return [q for q in found if q is not None]


async def send_answer_modal(
    bot: CommunityBot, interaction: Interaction, group: CheckinGroup, week: CheckinWeek
) -> None:
    """Open the modal, filled with the member's earlier answers when they are changing them."""
    previous: Mapping[str, str] = {}
    for given in await bot.store.checkin_answers_for(group.id, week.week):
        if given.user_id == interaction.user.id and given.answers:
            previous = given.answers
    questions = week_questions(bot, week)
    if not questions:
        raise UserFacingError("This week's questions are no longer available. Sorry about that.")
    await interaction.response.send_modal(AnswerModal(group.id, week.week, questions, previous))


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Text inputs of a modal submission by custom id (inside labels or action rows)."""
    values: dict[str, str] = {}

    def walk(components: Iterable[Mapping[str, Any]]) -> None:
        for component in components:
            if "component" in component:
                walk([component["component"]])
            if "components" in component:
                walk(component["components"])
            if component.get("type") == 4:
                values[str(component.get("custom_id"))] = str(component.get("value") or "")

    walk(data.get("components") or [])
    return values


def _copy(questions: Sequence[CheckinQuestion], values: Mapping[str, str]) -> discord.File:
    parts = [f"{q.text}\n\n{values.get(q.id, '').strip()}\n" for q in questions]
    return text_file("\n---\n\n".join(parts), COPY_NAME, description="Your check-in answers")


async def _refuse_with_copy(
    interaction: Interaction,
    text: str,
    questions: Sequence[CheckinQuestion],
    values: Mapping[str, str],
) -> None:
    await interaction.response.send_message(
        f"{text}\nHere is a copy of what you wrote, so nothing is lost.",
        file=_copy(questions, values),
        ephemeral=True,
    )


async def handle_submission(
    bot: CommunityBot, interaction: Interaction, group_id: int, number: int
) -> None:
    """Check and store a submitted modal; reveal when it completes the group."""
    user_id = interaction.user.id
    group = await member_group(bot, group_id, user_id)
    week = await bot.store.checkin_week(group_id, number)
    if week is None:
        raise UserFacingError(NOTHING_OPEN)
    questions = week_questions(bot, week)
    values = submitted_values(interaction.data or {})
    answers = {q.id: values.get(q.id, "").strip() for q in questions}
    missing = [q.label for q in questions if not answers[q.id]]
    too_long = [q.label for q in questions if len(answers[q.id]) > ANSWER_MAX_LENGTH]
    if missing or too_long:
        why = (
            f"Each answer can be up to {ANSWER_MAX_LENGTH:,} characters; "
            f"“{too_long[0]}” is longer. Nothing was saved: please shorten it and answer again."
            if too_long
            else f"Please answer every question (“{missing[0]}” was empty). Nothing was saved."
        )
        await _refuse_with_copy(interaction, why, questions, values)
        return
    outcome = await bot.checkins.submit(group_id, number, user_id, answers)
    if outcome.status is AnswerStatus.NOT_MEMBER:
        raise UserFacingError(NOT_YOURS)
    if outcome.status is AnswerStatus.NOT_OPEN:
        fresh = await bot.store.checkin_group(group_id)
        reason = ENDED if fresh and fresh.ended_at else CLOSED
        if fresh is not None and not fresh.ended_at:
            latest = await bot.store.checkin_week(group_id, number)
            if latest and latest.revealed_at and not latest.closed_at:
                reason = REVEALED
        await _refuse_with_copy(
            interaction, f"{reason} Your answers weren't saved.", questions, values
        )
        return
    if outcome.complete:
        reply = COMPLETE
    elif outcome.status is AnswerStatus.REPLACED:
        reply = REPLACED
    else:
        reply = SAVED
    await interaction.response.send_message(reply, ephemeral=True)
    log.info("group %s week %s: a member answered", group.id, number)
