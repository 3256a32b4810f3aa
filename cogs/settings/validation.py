"""Checks on what moderators type into `/settings resource-add`. Pure: no discord, no store.

Server resources are shown to members who may be having a hard time, so the text is checked at
input: a contact is something a member can use (an https link or a phone number), and nothing
can ping people or disguise where a link goes. Display also disables mentions; this is the
second layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

NAME_MIN, NAME_MAX = 2, 100
CONTACT_MAX = 200
DESCRIPTION_MAX = 300
PHONE_DIGITS_MIN, PHONE_DIGITS_MAX = 3, 20
# A server's list is shown in one ephemeral message and offered as autocomplete (25 choices).
MAX_SERVER_RESOURCES = 25

_MENTION = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_PHONE_CHARACTERS = re.compile(r"[0-9+\-() ]+")

CONTACT_HELP = (
    "Type a web address that starts with `https://` (like `https://example.org/help`) or a phone "
    f"number ({PHONE_DIGITS_MIN}-{PHONE_DIGITS_MAX} digits; spaces, `+`, `-` and brackets are "
    "fine, like `+44 20 7946 0000`)."
)


class ResourceInputError(ValueError):
    """The moderator's input was refused; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class ResourceInput:
    """A server resource's text after the checks, ready to store."""

    name: str
    contact: str
    description: str | None


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines too) made a single space."""
    return " ".join(text.split())


def check_no_mentions_or_links(label: str, text: str) -> None:
    """Refuse mentions (which could ping) and markdown links (which can hide their target)."""
    if _MENTION.search(text):
        raise ResourceInputError(
            f"The {label} can't contain mentions such as @everyone, @here, <@user>, <@&role> or "
            "<#channel>. Please write it without them. Nothing was saved."
        )
    if _MARKDOWN_LINK.search(text):
        raise ResourceInputError(
            f"The {label} can't contain markdown links like `[text](https://...)`, since they "
            "hide where a link goes. Put the web address in `contact` instead. Nothing was saved."
        )


def validate_name(text: str) -> str:
    """A resource's name: one line, 2-100 characters, no mentions or links."""
    name = one_line(text)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ResourceInputError(
            f"The name must be {NAME_MIN}-{NAME_MAX} characters; yours has {len(name)}. "
            "Nothing was saved."
        )
    check_no_mentions_or_links("name", name)
    return name


def validate_description(text: str | None) -> str | None:
    """An optional description: up to 300 characters, no mentions or links; blank means none."""
    if text is None:
        return None
    description = one_line(text)
    if not description:
        return None
    if len(description) > DESCRIPTION_MAX:
        raise ResourceInputError(
            f"The description can be at most {DESCRIPTION_MAX} characters; yours has "
            f"{len(description)}. Please shorten it. Nothing was saved."
        )
    check_no_mentions_or_links("description", description)
    return description


def validate_contact(text: str) -> str:
    """An https URL or a phone number, in a tidy form; anything else is refused."""
    contact = one_line(text)
    check_no_mentions_or_links("contact", contact)
    if len(contact) > CONTACT_MAX:
        raise ResourceInputError(
            f"The contact can be at most {CONTACT_MAX} characters; yours has {len(contact)}. "
            f"{CONTACT_HELP} Nothing was saved."
        )
    if _PHONE_CHARACTERS.fullmatch(contact):
        digits = sum(ch.isdigit() for ch in contact)
        if PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX:
            return contact
        raise ResourceInputError(
            f"A phone number needs {PHONE_DIGITS_MIN}-{PHONE_DIGITS_MAX} digits; yours has "
            f"{digits}. {CONTACT_HELP} Nothing was saved."
        )
    if is_https_url(contact):
        return contact
    if contact.casefold().startswith("http://"):
        raise ResourceInputError(
            f"Please use a secure `https://` address, not `http://`. {CONTACT_HELP} "
            "Nothing was saved."
        )
    raise ResourceInputError(
        f"I can't use {contact[:60]!r} as a contact. {CONTACT_HELP} Nothing was saved."
    )


def is_https_url(text: str) -> bool:
    """True for an ``https://`` address with a dotted host name and no spaces or brackets."""
    if any(ch.isspace() or ch in "<>\"'`" for ch in text):
        return False
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError:
        return False
    if parts.scheme.casefold() != "https" or not hostname or parts.username or parts.password:
        return False
    labels = hostname.split(".")
    return len(labels) >= 2 and all(labels)


def validate_resource(name: str, contact: str, description: str | None) -> ResourceInput:
    """Every check for `/settings resource-add`, name first; the first problem is raised."""
    return ResourceInput(
        name=validate_name(name),
        contact=validate_contact(contact),
        description=validate_description(description),
    )
