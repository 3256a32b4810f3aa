"""What moderators may type into `/settings resource-add`: pure checks, plain values."""

from __future__ import annotations

import pytest

from cogs.settings.validation import (
    ResourceInputError,
    is_https_url,
    validate_contact,
    validate_description,
    validate_name,
    validate_resource,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.org/help", "https://example.org/help"),
        ("  https://help.example.co.uk/a?b=c  ", "https://help.example.co.uk/a?b=c"),
        ("988", "988"),
        ("+44 (0)20 7946-0000", "+44 (0)20 7946-0000"),
        ("0800  123\n456", "0800 123 456"),
    ],
)
def test_accepts_https_urls_and_phone_numbers(typed: str, stored: str) -> None:
    assert validate_contact(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "call Sam",
        "example.org",
        "ftp://example.org",
        "https://localhost",
        "https://user:pw@example.org",
        "javascript:alert(1)",
        "mailto:help@example.org",
    ],
)
def test_refuses_anything_else_and_says_what_to_type(typed: str) -> None:
    with pytest.raises(ResourceInputError, match=r"https://.*phone number.*Nothing was saved"):
        validate_contact(typed)


def test_http_is_refused_with_a_hint_to_use_https() -> None:
    with pytest.raises(ResourceInputError, match="secure `https://`"):
        validate_contact("http://example.org")


@pytest.mark.parametrize("typed", ["12", "1" * 21, "+1 (2)"])
def test_phone_numbers_need_3_to_20_digits(typed: str) -> None:
    with pytest.raises(ResourceInputError, match="3-20 digits"):
        validate_contact(typed)


@pytest.mark.parametrize(
    "text",
    ["Help @everyone", "@here now", "ask <@123>", "ask <@!123>", "the <@&456> team", "see <#789>"],
)
def test_mentions_are_refused_in_every_field(text: str) -> None:
    for check in (validate_name, validate_description, validate_contact):
        with pytest.raises(ResourceInputError, match="can't contain mentions"):
            check(text)


def test_an_email_address_is_not_mistaken_for_a_mention() -> None:
    assert validate_description("Write to help@heretohelp.org") == "Write to help@heretohelp.org"


def test_markdown_links_are_refused() -> None:
    with pytest.raises(ResourceInputError, match="markdown links"):
        validate_description("Visit [our page](https://evil.example)")
    with pytest.raises(ResourceInputError, match="markdown links"):
        validate_name("[Help](https://evil.example)")


def test_name_length_is_2_to_100_after_tidying() -> None:
    assert validate_name("  Peer   support\nline ") == "Peer support line"
    with pytest.raises(ResourceInputError, match="2-100 characters; yours has 101"):
        validate_name("x" * 101)
    with pytest.raises(ResourceInputError, match="yours has 1"):
        validate_name(" x ")


def test_description_is_optional_and_at_most_300() -> None:
    assert validate_description(None) is None
    assert validate_description("   ") is None
    assert validate_description("y" * 300) == "y" * 300
    with pytest.raises(ResourceInputError, match="at most 300 characters; yours has 301"):
        validate_description("y" * 301)


def test_contact_length_is_limited() -> None:
    with pytest.raises(ResourceInputError, match="at most 200 characters"):
        validate_contact("https://example.org/" + "a" * 200)


def test_validate_resource_checks_all_three() -> None:
    checked = validate_resource(" Mod team ", "https://example.org", None)
    assert (checked.name, checked.contact, checked.description) == (
        "Mod team",
        "https://example.org",
        None,
    )
    with pytest.raises(ResourceInputError):
        validate_resource("Fine", "https://example.org", "@everyone look")


def test_is_https_url() -> None:
    assert is_https_url("https://a.b")
    assert not is_https_url("https://a.b/<x>")
    assert not is_https_url("https://[::1")
