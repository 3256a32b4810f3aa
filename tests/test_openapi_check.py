"""Tests for the OpenAPI request checker the emulator runs on every recorded request.

Bodies are built with discord.py 2.7.1's own helpers where that needs no connection
(``handle_message_parameters``, ``Command.to_dict``), otherwise copied from what discord.py
was seen to send.
"""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import handle_message_parameters

from tests.emulator import openapi_check as oc

pytestmark = pytest.mark.skipif(
    not oc.spec_available() and not oc.running_in_ci(), reason=oc.spec_missing_reason()
)

BOT = {"Authorization": "Bot MTAw.token", "User-Agent": "DiscordBot (discord.py 2.7.1)"}
JSON = "application/json"


def check(
    method: str,
    path: str,
    body: Any = None,
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> list[str]:
    """Validate a JSON request the way the emulator records it."""
    raw = None if body is None else json.dumps(body).encode()
    return oc.validate_request(
        method,
        path,
        query or {},
        BOT if headers is None else headers,
        raw,
        JSON if raw is not None else None,
    )


def multipart(payload: dict[str, Any], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A form laid out like the one aiohttp builds for discord.py."""
    boundary = "b0undary"
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; "
        f'name="payload_json"\r\n\r\n{json.dumps(payload)}\r\n'.encode()
    ]
    for name, data in files.items():
        chunks.append(
            f"--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: "
            f'form-data; name="{name}"; filename="a.txt"\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def message_payload(**kwargs: Any) -> dict[str, Any]:
    """The JSON discord.py sends for a message (its ``payload_json`` part when it has files)."""
    with handle_message_parameters(**kwargs) as params:
        if params.payload is None:
            return dict(json.loads(params.multipart[0]["value"]))
        return dict(params.payload)


# --- messages ---------------------------------------------------------------------------------


def test_valid_create_message_passes() -> None:
    embed = discord.Embed(
        title="Today's prompt", description="What made you laugh?", colour=0x5865F2
    )
    embed.add_field(name="Deck", value="Starters").set_footer(text="Reply in the thread")
    body = message_payload(
        content="Good morning!",
        embed=embed,
        nonce=12345,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    assert check("POST", "/channels/123/messages", body) == []


def test_content_as_object_is_named() -> None:
    problems = check("POST", "/channels/123/messages", {"content": {"text": "hi"}})
    assert len(problems) == 1
    assert problems[0].startswith("POST /channels/{channel_id}/messages: body.content:")
    assert "is not of type 'string'" in problems[0]


def test_embeds_not_a_list_is_named() -> None:
    problems = check("POST", "/channels/123/messages", {"embeds": {"title": "x"}})
    assert problems and "body.embeds:" in problems[0]


def test_unknown_route_is_reported() -> None:
    assert check("POST", "/channels/123/not-a-route", {}) == [
        "POST /channels/123/not-a-route: unknown route (not in Discord's OpenAPI spec)"
    ]


def test_wrong_method_is_reported() -> None:
    problems = check("PUT", "/channels/123/messages", {})
    assert problems and "method PUT is not allowed" in problems[0]


def test_path_parameter_must_be_a_snowflake() -> None:
    problems = check("GET", "/channels/general/messages")
    assert problems and "path parameter 'channel_id'" in problems[0]


def test_api_prefix_and_inline_query_are_accepted() -> None:
    assert check("GET", "/api/v10/channels/123/messages?limit=50&before=456") == []


def test_history_query_parameters_are_checked() -> None:
    assert check("GET", "/channels/1/messages", query={"limit": "100", "after": "1"}) == []
    problems = check("GET", "/channels/1/messages", query={"limit": "lots", "since": "1"})
    assert any("unknown query parameter 'since'" in p for p in problems)
    assert any("query parameter 'limit'" in p for p in problems)


def test_bot_routes_need_an_authorization_header() -> None:
    problems = check("POST", "/channels/1/messages", {"content": "hi"}, headers={})
    assert problems and "credentials" in problems[0]


def test_edit_delete_get_and_pins_pass() -> None:
    edit = message_payload(content="edited", embeds=[], view=None)
    assert check("PATCH", "/channels/1/messages/2", edit) == []
    for method, path in [
        ("GET", "/channels/1/messages/2"),
        ("DELETE", "/channels/1/messages/2"),
        ("GET", "/channels/1/messages/pins"),
        ("PUT", "/channels/1/messages/pins/2"),
        ("DELETE", "/channels/1/messages/pins/2"),
    ]:
        assert check(method, path) == [], (method, path)


def test_multipart_payload_json_is_validated_as_the_json_body() -> None:
    body, content_type = multipart(
        {"content": "file", "attachments": [{"id": "0", "filename": "a.txt"}]},
        {"files[0]": b"abc"},
    )
    assert oc.validate_request("POST", "/channels/1/messages", {}, BOT, body, content_type) == []

    body, content_type = multipart({"content": ["not", "text"]}, {"files[0]": b"abc"})
    problems = oc.validate_request("POST", "/channels/1/messages", {}, BOT, body, content_type)
    assert problems and "body.content:" in problems[0]


def test_multipart_unknown_parts_are_reported() -> None:
    body, content_type = multipart({"content": "x"}, {"files[10]": b"a", "upload": b"b"})
    problems = oc.validate_request("POST", "/channels/1/messages", {}, BOT, body, content_type)
    assert any("'files[10]'" in p for p in problems)
    assert any("'upload'" in p for p in problems)


def test_multipart_on_a_json_only_route_is_reported() -> None:
    body, content_type = multipart([], {})  # type: ignore[arg-type]
    problems = oc.validate_request("PUT", "/applications/1/commands", {}, BOT, body, content_type)
    assert problems and "Content-Type 'multipart/form-data' is not accepted" in problems[0]


# --- the DM quirk, and nothing else -------------------------------------------------------------


def test_dm_open_with_integer_recipient_id_is_accepted() -> None:
    # discord.py 2.7.1 HTTPClient.start_private_message: {'recipient_id': user_id} (an int).
    assert check("POST", "/users/@me/channels", {"recipient_id": 150}) == []
    assert check("POST", "/users/@me/channels", {"recipient_id": "150"}) == []


def test_dm_quirk_loosens_nothing_else() -> None:
    assert list(oc._QUIRKS) == [("post", "/users/@me/channels")]
    assert check("POST", "/users/@me/channels", {"recipient_id": "bob"})
    assert check("POST", "/users/@me/channels", {"recipient_id": True})
    assert check("POST", "/users/@me/channels", {"recipient_id": 1, "access_tokens": [5]})
    # Integer snowflakes elsewhere are still reported.
    problems = check(
        "POST",
        "/channels/1/messages",
        {"content": "hi", "message_reference": {"message_id": 300}},
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "POST /channels/{channel_id}/messages: body.message_reference.message_id: "
        "300 is not of type 'string'"
    )
    assert check("PATCH", "/guilds/1/members/2", {"roles": [5]})


# --- the other routes a bot uses -----------------------------------------------------------------


def build_tree() -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(
        discord.Client(intents=discord.Intents.none())
    )
    schedule = app_commands.Group(name="schedule", description="Manage schedules", guild_only=True)

    @schedule.command(name="add", description="Add a schedule")
    @app_commands.describe(channel="Where to post", time="Local time, HH:MM")
    @app_commands.choices(
        days=[app_commands.Choice(name="Weekdays", value="weekdays")],
    )
    async def add(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 4, 5],
        days: app_commands.Choice[str] | None = None,
        count: app_commands.Range[int, 1, 10] | None = None,
    ) -> None: ...

    tree.add_command(schedule)

    @tree.context_menu(name="Report message")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None: ...

    return tree


def test_command_sync_payloads_pass_global_and_guild() -> None:
    tree = build_tree()
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    assert check("PUT", "/applications/100/commands", payload) == []
    assert check("PUT", "/applications/100/guilds/1/commands", payload) == []


def test_command_payload_with_a_bad_option_type_fails() -> None:
    bad = [{"name": "x", "description": "x", "type": 1, "options": [{"type": 99, "name": "o"}]}]
    assert check("PUT", "/applications/100/commands", bad)


BUTTON_ROW = {
    "type": 1,
    "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go:1"}],
}
MESSAGE_RESPONSE = {
    "type": 4,
    "data": {"tts": False, "content": "hi", "flags": 64, "embeds": [], "components": [BUTTON_ROW]},
}
TEXT_INPUT = {"type": 4, "custom_id": "t", "style": 1, "label": "L", "required": False}
MODAL_RESPONSE = {
    "type": 9,
    "data": {
        "title": "M",
        "custom_id": "m:1",
        "components": [{"type": 1, "components": [TEXT_INPUT]}],
    },
}
AUTOCOMPLETE_RESPONSE = {"type": 8, "data": {"choices": [{"name": "Paris", "value": "Paris"}]}}
THREAD_FROM_MESSAGE = {"name": "t", "auto_archive_duration": 1440, "rate_limit_per_user": 0}
PRIVATE_THREAD = {
    "name": "t",
    "auto_archive_duration": 10080,
    "type": 12,
    "invitable": False,
    "rate_limit_per_user": None,
}
CALLBACK = "/interactions/9/tok/callback"
RESPOND = {"with_response": "1"}  # what discord.py 2.7.1 sends; the emulator docs say "true"
ORIGINAL = "/webhooks/100/tok/messages/@original"


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "headers"),
    [
        # Interaction callbacks, as InteractionResponse sends them (no Authorization header).
        ("POST", CALLBACK, {"type": 5, "data": {"flags": 64}}, RESPOND, {}),
        ("POST", CALLBACK, MESSAGE_RESPONSE, {"with_response": "true"}, {}),
        ("POST", CALLBACK, AUTOCOMPLETE_RESPONSE, RESPOND, {}),
        ("POST", CALLBACK, MODAL_RESPONSE, RESPOND, {}),
        ("POST", CALLBACK, {"type": 6}, RESPOND, {}),
        # Follow-ups and @original, as Webhook and Interaction send them.
        ("POST", "/webhooks/100/tok", {"content": "more", "flags": 64}, {"wait": "1"}, {}),
        ("PATCH", ORIGINAL, {"content": "e", "embeds": []}, {}, {}),
        ("GET", ORIGINAL, None, {}, {}),
        ("DELETE", ORIGINAL, None, {}, {}),
        ("PATCH", "/webhooks/100/tok/messages/3", {"content": "y"}, {"with_components": "0"}, {}),
        # Threads and thread members.
        ("POST", "/channels/1/messages/2/threads", THREAD_FROM_MESSAGE, {}, BOT),
        ("POST", "/channels/1/threads", PRIVATE_THREAD, {}, BOT),
        ("PUT", "/channels/1/thread-members/2", None, {}, BOT),
        ("PUT", "/channels/1/thread-members/@me", None, {}, BOT),
        ("DELETE", "/channels/1/thread-members/2", None, {}, BOT),
        ("GET", "/channels/1/thread-members/2", None, {}, BOT),
        # Members, roles, gateway, self.
        ("GET", "/guilds/1/members/2", None, {}, BOT),
        ("GET", "/guilds/1/members", None, {"limit": "1000"}, BOT),
        ("PUT", "/guilds/1/members/2/roles/3", None, {}, BOT),
        ("DELETE", "/guilds/1/members/2/roles/3", None, {}, BOT),
        ("GET", "/guilds/1/roles", None, {}, BOT),
        ("GET", "/gateway/bot", None, {}, BOT),
        ("GET", "/users/@me", None, {}, BOT),
        ("GET", "/applications/@me", None, {}, BOT),
        ("GET", "/oauth2/applications/@me", None, {}, BOT),
    ],
)
def test_bot_routes_pass(
    method: str, path: str, body: Any, query: dict[str, str], headers: dict[str, str]
) -> None:
    assert check(method, path, body, query=query, headers=headers) == []


MENTION_USER = discord.AllowedMentions(users=[discord.Object(150)])
REFERENCE = discord.MessageReference(message_id=300, channel_id=1).to_dict()
A_FILE = discord.File(io.BytesIO(b"a"), filename="a.txt")


@pytest.mark.parametrize(
    ("what", "method", "path", "body", "expected"),
    [
        (
            "AllowedMentions(users=[...])",
            "POST",
            "/channels/1/messages",
            message_payload(content="hi", allowed_mentions=MENTION_USER),
            "body.allowed_mentions.users[0]: 150 is not of type 'string'",
        ),
        (
            "reply(): message_reference",
            "POST",
            "/channels/1/messages",
            message_payload(content="r", message_reference=REFERENCE),
            "body.message_reference.channel_id: 1 is not of type 'string'",
        ),
        (
            "File attachment index",
            "POST",
            "/channels/1/messages",
            message_payload(content="f", file=A_FILE),
            "body.attachments[0].id: 0 is not of type 'string'",
        ),
        (
            "Member.edit(roles=...)",
            "PATCH",
            "/guilds/1/members/2",
            {"roles": [5]},
            "body.roles[0]: 5 is not of type 'string'",
        ),
    ],
)
def test_known_discordpy_mismatches_are_reported(
    what: str, method: str, path: str, body: dict[str, Any], expected: str
) -> None:
    """discord.py sends integer snowflakes here; Discord accepts them, the spec does not.

    They are deliberately not allow-listed (see the module docstring); this pins the behaviour.
    """
    problems = check(method, path, body)
    assert any(expected in p for p in problems), (what, problems)


# --- missing spec -------------------------------------------------------------------------------


@pytest.fixture
def missing_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    monkeypatch.setattr(oc, "_CHECKERS", {})
    monkeypatch.setattr(oc, "_NOTIFIED", set())
    missing = tmp_path / "nowhere" / "openapi.json"
    monkeypatch.setenv(oc.SPEC_ENV_VAR, str(missing))
    return str(missing)


def test_missing_spec_outside_ci_warns_once_and_skips(
    missing_spec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not oc.spec_available()
    assert missing_spec in oc.spec_missing_reason()
    with pytest.warns(oc.SpecMissingWarning, match="spec not found"):
        assert check("POST", "/channels/1/messages", {"content": {}}) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check("POST", "/channels/1/messages", {"content": {}}) == []


def test_missing_spec_under_ci_fails(missing_spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(oc.SpecMissingError, match="spec not found"):
        check("POST", "/channels/1/messages", {"content": "hi"})


def test_spec_available_reports_the_default_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(oc.SPEC_ENV_VAR, raising=False)
    assert oc.spec_path() == oc.REPO_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"
    assert oc.spec_available() == oc.DEFAULT_SPEC_PATH.is_file()
    assert (oc.spec_missing_reason() == "") == oc.spec_available()
