"""The emulator's own answers must look like Discord's: every JSON response body of a broad
scenario is checked against the response schema in Discord's OpenAPI description."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import discord
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.files import UploadFile
from tests.emulator import Emulator, RecordedRequest
from tests.emulator.sample_bot import SampleBot

SPEC = Path(__file__).resolve().parents[2] / "shared" / "discord-api-spec" / "openapi.json"
BASE = "urn:discord-openapi"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC.is_file():
        pytest.skip(f"Discord's OpenAPI description is not at {SPEC}")
    return json.loads(SPEC.read_bytes())


def _schema_problems(spec: dict[str, Any], request: RecordedRequest) -> list[str]:
    route = request.route
    assert route is not None
    if request.params.get("message_id") == "@original":
        route = route.replace("{message_id}", "@original")
    if request.params.get("user_id") == "@me":
        route = route.replace("{user_id}", "@me")
    responses = spec["paths"][route][request.method.lower()]["responses"]
    content = responses.get(str(request.status), {}).get("content", {})
    if "application/json" not in content:
        return [f"{request.method} {route}: the spec has no JSON body for {request.status}"]
    registry = Registry().with_resource(BASE, Resource(spec, DRAFT202012))
    parts = ["paths", route, request.method.lower(), "responses", str(request.status)]
    parts += ["content", "application/json", "schema"]
    pointer = "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="") for p in parts)
    schema = {"$ref": f"{BASE}#/{pointer}"}
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    return [
        f"{request.method} {route} -> {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for error in validator.iter_errors(request.response)
        for e in [jsonschema.exceptions.best_match([error])]
    ]


async def test_emulator_responses_match_discords_schemas(
    emulator: Emulator, spec: dict[str, Any]
) -> None:
    emu = emulator
    guild = emu.create_guild()
    general = emu.channels[guild.channel_ids[0]]
    alice = emu.create_member(guild, "alice")
    bot = SampleBot(intents=discord.Intents.default() | discord.Intents(members=True))
    await emu.connect(bot)
    await bot.tree.sync()
    await bot.tree.fetch_commands()
    text = bot.get_channel(general.id)
    assert isinstance(text, discord.TextChannel)

    message = await text.send("hello", file=UploadFile(io.BytesIO(b"x"), "x.txt"))
    await message.edit(content="edited")
    await message.pin()
    _ = [m async for m in text.pins()]
    _ = [m async for m in text.history(limit=5)]
    thread = await message.create_thread(name="thread")
    await thread.fetch_members()
    private = await text.create_thread(name="private", type=discord.ChannelType.private_thread)
    await private.edit(archived=True)
    fetched_guild = await bot.fetch_guild(guild.id)
    await fetched_guild.fetch_member(alice.id)
    await fetched_guild.fetch_roles()
    await bot.fetch_channel(general.id)
    await (await bot.fetch_user(alice.id)).send("dm")
    reply = await emu.wait_for_reply(
        await emu.slash_command("greet", channel=general, user=alice, options={"member": alice})
    )
    await emu.wait_for_reply(await emu.slash_command("slow", channel=general, user=alice))
    about = await emu.wait_for_response(
        await emu.slash_command("about", channel=general, user=alice)
    )
    await emu.wait_for_response(await emu.click_button(about, "about:more", user=alice))
    assert reply.content

    checked = [r for r in emu.requests if 200 <= r.status < 300 and r.response is not None]
    problems = [p for r in checked for p in _schema_problems(spec, r)]

    assert len(checked) >= 20
    assert problems == []
