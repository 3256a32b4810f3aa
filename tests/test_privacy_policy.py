"""The `/privacy policy` text states the facts PRODUCT.md promises, within embed limits."""

from __future__ import annotations

from bot.embeds import fits_in_message
from bot.texts import NOT_THERAPY
from cogs.privacy.policy import policy_embed


def test_policy_says_what_is_stored_never_stored_and_who_sees_what() -> None:
    embed = policy_embed()
    assert fits_in_message([embed])
    shown = {f.name: f.value or "" for f in embed.fields}
    assert "plus 7 days" in shown["What I store"]
    assert "time zone" in shown["What I store"]
    assert "blocked" in shown["What I store"]
    assert "don't read messages" in shown["What I never store"]
    assert "Manage Threads permission can see private threads" in shown["Who can see what"]
    assert "/privacy export" in shown["Your data"]
    assert "/privacy delete" in shown["Your data"]
    assert shown["Not therapy"] == NOT_THERAPY
