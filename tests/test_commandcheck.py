"""Tests for the offline check of the command tree against Discord's documented rules."""

from __future__ import annotations

import copy
from typing import Any, Literal

import discord
from discord import app_commands

from bot.commandcheck import check_commands, describe_tree


def new_tree() -> app_commands.CommandTree[discord.Client]:
    return app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))


def good_tree() -> app_commands.CommandTree[discord.Client]:
    tree = new_tree()

    @tree.command(name="ping", description="Check that the bot is awake")
    async def ping(interaction: discord.Interaction) -> None: ...

    schedule = app_commands.Group(name="schedule", description="Manage daily prompts")

    @schedule.command(name="add", description="Post prompts on a schedule")
    @app_commands.describe(
        kind="What to post",
        channel="Where to post",
        time="Local time, HH:MM",
        timezone="IANA time zone",
        days="Which days",
    )
    @app_commands.choices(
        days=[
            app_commands.Choice(name="Every day", value="daily"),
            app_commands.Choice(name="Weekdays", value="weekdays"),
        ]
    )
    async def add(
        interaction: discord.Interaction,
        kind: Literal["prompt", "starter"],
        channel: discord.TextChannel,
        time: app_commands.Range[str, 4, 5],
        timezone: str,
        days: app_commands.Choice[str] | None = None,
    ) -> None: ...

    settings = app_commands.Group(name="settings", description="Schedule settings", parent=schedule)

    @settings.command(name="show", description="Show the settings")
    async def show(interaction: discord.Interaction) -> None: ...

    tree.add_command(schedule)

    @tree.context_menu(name="Start a pair chat")
    async def pair(interaction: discord.Interaction, user: discord.User) -> None: ...

    @tree.context_menu(name="Save as prompt")
    async def save(interaction: discord.Interaction, message: discord.Message) -> None: ...

    return tree


def payloads(tree: app_commands.CommandTree[discord.Client]) -> list[dict[str, Any]]:
    return [command.to_dict(tree) for command in tree.get_commands()]


def command(name: str, options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "A command", "options": options or []}


def string_option(name: str, *, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "An option", "required": required, **extra}


def test_good_tree_has_no_problems() -> None:
    assert check_commands(payloads(good_tree())) == []
    assert check_commands(payloads(good_tree()), scope="guild") == []


def test_describe_tree_renders_required_bare_and_optional_in_brackets() -> None:
    assert describe_tree(payloads(good_tree())) == [
        "/ping - Check that the bot is awake",
        "/schedule - Manage daily prompts",
        "  /schedule add kind channel time timezone [days] - Post prompts on a schedule",
        "  /schedule settings - Schedule settings",
        "    /schedule settings show - Show the settings",
        "[user] Start a pair chat",
        "[message] Save as prompt",
    ]


def test_uppercase_and_space_names_are_reported() -> None:
    data = payloads(good_tree())
    schedule = next(p for p in data if p["name"] == "schedule")
    schedule["options"][0]["options"][0]["name"] = "Kind"
    data[0]["name"] = "ping me"
    problems = check_commands(data)
    assert "/schedule add option 'Kind': name 'Kind' must be lowercase" in problems
    assert "/ping me: name 'ping me' has characters Discord does not allow: ' '" in problems


def test_unicode_letters_digits_and_apostrophes_are_allowed() -> None:
    data = [command("café-2_ñ"), command("日本語"), command("don't"), command("हिन्दी")]
    assert check_commands(data) == []


def test_long_description_is_reported() -> None:
    data = [command("ping", [string_option("time", description="x" * 101)])]
    assert check_commands(data) == ["/ping option 'time': description longer than 100 characters"]


def test_empty_description_and_long_name_are_reported() -> None:
    bad = command("x" * 33)
    bad["description"] = ""
    problems = check_commands([bad])
    assert any("must be 1-32 characters" in p for p in problems)
    assert any("description is empty" in p for p in problems)


def test_localized_names_and_descriptions_follow_the_same_rules() -> None:
    bad = command("ping")
    bad["name_localizations"] = {"de": "Ping Mich"}
    bad["description_localizations"] = {"fr": "y" * 101}
    problems = check_commands([bad])
    assert any("name 'Ping Mich'" in p for p in problems)
    assert "/ping: description longer than 100 characters" in problems


def test_26_options_are_reported() -> None:
    tree = new_tree()

    @tree.command(name="many", description="Too many options")
    async def many(interaction: discord.Interaction) -> None: ...

    data = payloads(tree)
    data[0]["options"] = [string_option(f"o{i}") for i in range(26)]
    assert check_commands(data) == ["/many: 26 options, Discord allows at most 25"]


def test_26_choices_are_reported() -> None:
    choices = [{"name": f"c{i}", "value": f"v{i}"} for i in range(26)]
    data = [command("pick", [string_option("colour", choices=choices)])]
    assert check_commands(data) == ["/pick option 'colour': 26 choices, Discord allows at most 25"]


def test_choice_name_and_value_lengths_are_reported() -> None:
    choices = [{"name": "n" * 101, "value": "a"}, {"name": "ok", "value": "v" * 101}]
    problems = check_commands([command("pick", [string_option("c", choices=choices)])])
    assert len(problems) == 2
    assert "name must be 1-100 characters" in problems[0]
    assert problems[1] == "/pick option 'c' choice 'ok': value longer than 100 characters"


def test_choices_with_autocomplete_or_on_a_boolean_are_reported() -> None:
    choices = [{"name": "a", "value": "a"}]
    auto = string_option("a", choices=choices, autocomplete=True)
    flag = {"type": 5, "name": "b", "description": "d", "choices": choices}
    problems = check_commands([command("x", [auto, flag])])
    assert "/x option 'a': autocomplete cannot be combined with choices" in problems
    assert "/x option 'b': only string, integer and number options can have choices" in problems


def test_command_over_8000_characters_is_reported() -> None:
    # 25 options x 25 choices of 13+13 characters = 16,250 characters, each field within limits.
    choices = [{"name": f"choice-{i:06d}", "value": f"value--{i:06d}"} for i in range(25)]
    options = [string_option(f"o{i}", choices=choices) for i in range(25)]
    problems = check_commands([command("huge", options)])
    assert len(problems) == 1
    assert problems[0].startswith("/huge: ")
    assert "Discord allows at most 8000" in problems[0]


def test_character_count_uses_the_longest_localization() -> None:
    options = [string_option(f"o{i}", description="d" * 10) for i in range(25)]
    options[0]["choices"] = [{"name": "c" * 100, "value": "v" * 100} for _ in range(25)]
    assert check_commands([command("loc", options)]) == []  # about 5,300 characters
    for i, option in enumerate(options):
        option["name_localizations"] = {"de": f"{i}" + "n" * 30}
        option["description_localizations"] = {"de": "d" * 100, "fr": "d" * 50}
    problems = check_commands([command("loc", options)])  # 5,000 + 2,500 + 790 + 12
    assert problems == [
        "/loc: 8302 characters in names, descriptions and choices, Discord allows at most 8000"
    ]


def test_101_global_commands_are_reported() -> None:
    tree = new_tree()
    for i in range(100):  # discord.py itself refuses a 101st in one tree

        async def callback(interaction: discord.Interaction) -> None: ...

        tree.add_command(app_commands.Command(name=f"c{i}", description="d", callback=callback))
    data = payloads(tree)
    assert check_commands(data) == []
    data.append({**data[0], "name": "c100"})
    assert check_commands(data) == ["global: 101 chat-input commands, Discord allows at most 100"]
    assert check_commands(data, scope="guild") == [
        "guild: 101 chat-input commands, Discord allows at most 100"
    ]


def test_more_than_five_context_menus_are_reported() -> None:
    users = [{"type": 2, "name": f"User {i}", "description": ""} for i in range(6)]
    messages = [{"type": 3, "name": f"Message {i}", "description": ""} for i in range(5)]
    assert check_commands(users + messages) == ["global: 6 user commands, Discord allows at most 5"]


def test_nesting_rules_are_enforced() -> None:
    sub = {"type": 1, "name": "sub", "description": "d", "options": []}
    group = {"type": 2, "name": "grp", "description": "d", "options": [sub]}
    deep = {"type": 2, "name": "deep", "description": "d", "options": [group]}
    mixed = command("mixed", [sub, string_option("plain")])
    nested_group = command("nested", [deep])
    sub_with_sub = command("subsub", [{**sub, "options": [sub]}])
    empty_group = command("empty", [{**group, "options": []}])
    problems = check_commands([mixed, nested_group, sub_with_sub, empty_group])
    assert "/mixed: subcommands and groups cannot sit beside plain options" in problems
    assert "/nested deep: subcommand groups cannot be nested" in problems
    assert "/subsub sub: subcommands cannot contain subcommands or groups" in problems
    assert "/empty grp: a subcommand group must contain only subcommands (at least one)" in (
        problems
    )
    assert check_commands([command("ok", [group, sub])]) == []


def test_duplicate_names_are_reported() -> None:
    data = [command("dup", [string_option("a"), string_option("a")]), command("dup")]
    problems = check_commands(data)
    assert "/dup: defined 2 times" in problems
    assert "/dup: option name 'a' is used 2 times" in problems
    menus = [{"type": 2, "name": "Same", "description": ""}, {"type": 3, "name": "Same"}]
    assert check_commands(menus) == []  # unique per type


def test_required_after_optional_is_reported() -> None:
    data = [command("order", [string_option("a"), string_option("b", required=True)])]
    assert check_commands(data) == ["/order option 'b': required option after an optional one"]


def test_context_menus_allow_spaces_and_capitals_but_no_description() -> None:
    menu = {"type": 3, "name": "Report Message", "description": "Reports it"}
    assert check_commands([menu]) == [
        "message command 'Report Message': context menu commands must have an empty description"
    ]


def test_payloads_are_not_modified() -> None:
    data = payloads(good_tree())
    before = copy.deepcopy(data)
    check_commands(data)
    describe_tree(data)
    assert data == before
