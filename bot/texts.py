"""Short fixed UI texts used by several features (longer content lives in ``prompts/``)."""

from __future__ import annotations

NOT_THERAPY = (
    "This bot is a community tool, not therapy or a crisis service, and not a substitute for "
    "professional help. If you are struggling, `/resources` lists people who can help."
)

WHAT_IT_DOES = (
    "I help this community get closer: daily connection prompts, conversation starters for "
    "deep and curious talk, opt-in weekly check-ins in pairs, and explanations of the kinds of "
    "intimacy and where to find help (`/intimacy`, `/resources`)."
)

PRIVACY_SUMMARY = (
    "I don't read your messages. I store only what you give me through my commands (opting in "
    "to pairs, check-in answers, suggestions). Check-in answers are deleted 7 days after they "
    "are revealed. `/privacy export` shows your data and `/privacy delete` removes it."
)
