"""Check an application-command tree against Discord's documented rules, offline.

Discord's OpenAPI description is permissive about commands (it accepts a name like "Bad Name!"),
so the rules from https://discord.com/developers/docs/interactions/application-commands are
checked here, on the payloads discord.py sends in the bulk PUT:
``[command.to_dict(tree) for command in tree.get_commands(guild=...)]`` (what
``CommandTree.sync`` sends when no translator is set).

Rules: names match ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` and use lowercase where a
letter has one (chat-input commands and options; context menus may use spaces and capitals);
descriptions 1-100 characters (empty for context menus); at most 25 options per level and 25
choices per option; choice names 1-100 characters, string values at most 100; subcommands nest
only as command -> group -> subcommand and never beside plain options; sibling names unique;
required options before optional ones; at most 8,000 characters per chat-input command counting
every name, description and choice name and value (for localized fields the longest variant);
per scope at most 100 chat-input, 5 user, 5 message commands and 1 global entry-point command.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

CHAT_INPUT, USER, MESSAGE, PRIMARY_ENTRY_POINT = 1, 2, 3, 4
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10

NAME_MAX = 32
DESCRIPTION_MAX = 100
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
COMMAND_CHARACTERS_MAX = 8000
COMMANDS_MAX = {
    "global": {CHAT_INPUT: 100, USER: 5, MESSAGE: 5, PRIMARY_ENTRY_POINT: 1},
    "guild": {CHAT_INPUT: 100, USER: 5, MESSAGE: 5, PRIMARY_ENTRY_POINT: 0},
}
KIND = {
    CHAT_INPUT: "chat-input",
    USER: "user",
    MESSAGE: "message",
    PRIMARY_ENTRY_POINT: "entry-point",
}

_NAME_PUNCTUATION = frozenset("-_'")
# \p{sc=Deva} and \p{sc=Thai}, approximated by their blocks (they add combining vowel signs).
_EXTRA_SCRIPT_RANGES = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x0E00, 0x0E7F))


def check_commands(payloads: list[dict[str, Any]], *, scope: str = "global") -> list[str]:
    """Return one line per rule a command tree breaks; empty when Discord would accept it.

    ``scope`` is ``"global"`` or ``"guild"`` (the per-scope command counts differ slightly).
    """
    if scope not in COMMANDS_MAX:
        raise ValueError(f"scope must be 'global' or 'guild', not {scope!r}")
    problems: list[str] = []
    per_type = Counter(int(payload.get("type", CHAT_INPUT)) for payload in payloads)
    for kind, count in sorted(per_type.items()):
        limit = COMMANDS_MAX[scope].get(kind)
        if limit is not None and count > limit:
            problems.append(
                f"{scope}: {count} {KIND[kind]} commands, Discord allows at most {limit}"
            )
    names = Counter(
        (int(payload.get("type", CHAT_INPUT)), str(payload.get("name"))) for payload in payloads
    )
    for (kind, name), count in sorted(names.items()):
        if count > 1:
            problems.append(f"{_command_label(kind, name)}: defined {count} times")
    for payload in payloads:
        problems.extend(_check_command(payload))
    return problems


def describe_tree(payloads: list[dict[str, Any]]) -> list[str]:
    """Render commands as indented lines: ``/schedule add kind time [days] - Add a schedule``.

    Required options are shown bare, optional ones in brackets; context menus come last.
    """
    lines: list[str] = []
    ordered = sorted(payloads, key=lambda p: (int(p.get("type", CHAT_INPUT)), str(p.get("name"))))
    for payload in ordered:
        kind = int(payload.get("type", CHAT_INPUT))
        if kind == CHAT_INPUT:
            lines.extend(_describe_level(f"/{payload.get('name')}", payload, depth=0))
        else:
            lines.append(f"[{KIND.get(kind, kind)}] {payload.get('name')}")
    return lines


def _describe_level(path: str, node: Mapping[str, Any], depth: int) -> Iterator[str]:
    options = list(node.get("options") or [])
    nesting = (SUB_COMMAND, SUB_COMMAND_GROUP)
    children = [o for o in options if o.get("type") in nesting]
    arguments = [
        str(o.get("name")) if o.get("required") else f"[{o.get('name')}]"
        for o in options
        if o.get("type") not in nesting
    ]
    signature = " ".join([path, *arguments])
    yield f"{'  ' * depth}{signature} - {node.get('description', '')}"
    for child in children:
        yield from _describe_level(f"{path} {child.get('name')}", child, depth + 1)


def _command_label(kind: int, name: str) -> str:
    return f"/{name}" if kind == CHAT_INPUT else f"{KIND.get(kind, kind)} command {name!r}"


def _check_command(payload: Mapping[str, Any]) -> Iterator[str]:
    kind = int(payload.get("type", CHAT_INPUT))
    name = str(payload.get("name", ""))
    label = _command_label(kind, name)
    if kind != CHAT_INPUT:
        yield from _check_context_menu(label, payload)
        return
    yield from _check_name_and_description(label, payload)
    options = list(payload.get("options") or [])
    yield from _check_options(label, options, level="command")
    total = _character_count(payload)
    if total > COMMAND_CHARACTERS_MAX:
        yield (
            f"{label}: {total} characters in names, descriptions and choices, "
            f"Discord allows at most {COMMAND_CHARACTERS_MAX}"
        )


def _check_context_menu(label: str, payload: Mapping[str, Any]) -> Iterator[str]:
    for name in _variants(payload, "name"):
        if not 1 <= len(name) <= NAME_MAX:
            yield f"{label}: name must be 1-{NAME_MAX} characters"
    if payload.get("description"):
        yield f"{label}: context menu commands must have an empty description"
    if payload.get("options"):
        yield f"{label}: context menu commands cannot have options"


def _check_name_and_description(label: str, node: Mapping[str, Any]) -> Iterator[str]:
    for name in _variants(node, "name"):
        problem = _name_problem(name)
        if problem:
            yield f"{label}: name {name!r} {problem}"
    for description in _variants(node, "description"):
        if not description:
            yield f"{label}: description is empty"
        elif len(description) > DESCRIPTION_MAX:
            yield f"{label}: description longer than {DESCRIPTION_MAX} characters"


def _name_problem(name: str) -> str:
    """Why a chat-input command or option name is invalid, or ``""``."""
    if not 1 <= len(name) <= NAME_MAX:
        return f"must be 1-{NAME_MAX} characters"
    bad = sorted({c for c in name if not _allowed_name_character(c)})
    if bad:
        return f"has characters Discord does not allow: {''.join(bad)!r}"
    if any(c.lower() != c for c in name):
        return "must be lowercase"
    return ""


def _allowed_name_character(char: str) -> bool:
    if char in _NAME_PUNCTUATION or unicodedata.category(char)[0] in "LN":
        return True
    return any(low <= ord(char) <= high for low, high in _EXTRA_SCRIPT_RANGES)


def _check_options(path: str, options: list[Mapping[str, Any]], *, level: str) -> Iterator[str]:
    """Check one ``options`` array; ``level`` is ``command``, ``group`` or ``subcommand``."""
    if len(options) > OPTIONS_MAX:
        yield f"{path}: {len(options)} options, Discord allows at most {OPTIONS_MAX}"
    for name, count in Counter(str(o.get("name")) for o in options).items():
        if count > 1:
            yield f"{path}: option name {name!r} is used {count} times"
    nested = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if level == "command" and nested and len(nested) != len(options):
        yield f"{path}: subcommands and groups cannot sit beside plain options"
    if level == "group" and (len(nested) != len(options) or not options):
        yield f"{path}: a subcommand group must contain only subcommands (at least one)"
    if level == "group" and any(o.get("type") == SUB_COMMAND_GROUP for o in options):
        yield f"{path}: subcommand groups cannot be nested"
    if level == "subcommand" and nested:
        yield f"{path}: subcommands cannot contain subcommands or groups"
    seen_optional = False
    for option in options:
        kind = option.get("type")
        name = str(option.get("name", ""))
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            child = f"{path} {name}"
            yield from _check_name_and_description(child, option)
            child_level = "group" if kind == SUB_COMMAND_GROUP else "subcommand"
            yield from _check_options(child, list(option.get("options") or []), level=child_level)
            continue
        label = f"{path} option {name!r}"
        yield from _check_name_and_description(label, option)
        yield from _check_choices(label, option)
        if option.get("required"):
            if seen_optional:
                yield f"{label}: required option after an optional one"
        else:
            seen_optional = True


def _check_choices(label: str, option: Mapping[str, Any]) -> Iterator[str]:
    choices = list(option.get("choices") or [])
    if not choices:
        return
    if option.get("type") not in (STRING, INTEGER, NUMBER):
        yield f"{label}: only string, integer and number options can have choices"
    if option.get("autocomplete"):
        yield f"{label}: autocomplete cannot be combined with choices"
    if len(choices) > CHOICES_MAX:
        yield f"{label}: {len(choices)} choices, Discord allows at most {CHOICES_MAX}"
    for choice in choices:
        for name in _variants(choice, "name"):
            if not 1 <= len(name) <= CHOICE_NAME_MAX:
                yield f"{label} choice {name[:40]!r}: name must be 1-{CHOICE_NAME_MAX} characters"
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_VALUE_MAX:
            yield (
                f"{label} choice {choice.get('name')!r}: value longer than "
                f"{CHOICE_VALUE_MAX} characters"
            )


def _variants(node: Mapping[str, Any], field: str) -> Iterable[str]:
    """A field's default value followed by its localizations."""
    yield str(node.get(field) or "")
    localizations = node.get(f"{field}_localizations") or {}
    yield from (str(value) for value in localizations.values())


def _longest(node: Mapping[str, Any], field: str) -> int:
    return max(len(value) for value in _variants(node, field))


def _character_count(node: Mapping[str, Any]) -> int:
    """Discord's size measure: names, descriptions and choice names and values, recursively,
    taking the longest localization of each field."""
    total = _longest(node, "name") + _longest(node, "description")
    for choice in node.get("choices") or []:
        total += _longest(choice, "name") + len(str(choice.get("value", "")))
    return total + sum(_character_count(option) for option in node.get("options") or [])
