"""Discord's limits on what a bot may send, enforced so bot bugs fail in tests, not in prod.

Every check raises :class:`~tests.emulator.util.ApiError` with the code Discord uses
(50006 for an empty message, 50035 "Invalid Form Body" with the field path otherwise).
"""

from __future__ import annotations

from typing import Any

from tests.emulator.util import ApiError, Json, invalid_form

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
# field -> maximum length, for the text fields of an embed
_EMBED_LIMITS = {"title": 256, "description": 4096}
_FIELD_LIMITS = {"name": 256, "value": 1024}
MAX_FIELDS = 25
MAX_ACTION_ROWS = 5
MAX_ROW_ITEMS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_NONCE = 25
MAX_MODAL_TITLE = 45
MAX_CHOICES = 25
#: Flags a bot may set when creating a message (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS,
#: IS_VOICE_MESSAGE, IS_COMPONENTS_V2), plus EPHEMERAL for interaction responses.
MESSAGE_FLAGS = (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15)
EPHEMERAL = 1 << 6


def check_message(body: Json, *, has_files: bool, interaction: bool, edit: bool = False) -> None:
    """Validate a create/edit message body (channel message, interaction reply or follow-up)."""
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        raise invalid_form("content", "STRING_TYPE_CONVERT", "Could not interpret as string.")
    if content is not None and len(content) > MAX_CONTENT:
        raise invalid_form(
            "content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
        )
    embeds = body.get("embeds") or []
    components = body.get("components") or []
    if not edit and not (
        content or embeds or components or has_files or body.get("poll") or body.get("sticker_ids")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
    _check_embeds(embeds)
    _check_components(components, v2=bool(int(body.get("flags") or 0) & (1 << 15)))
    flags = int(body.get("flags") or 0)
    allowed = MESSAGE_FLAGS | (EPHEMERAL if interaction else 0)
    if flags & ~allowed and not edit:
        raise invalid_form("flags", "MESSAGE_FLAGS_INVALID", "Invalid flags.")
    nonce = body.get("nonce")
    if nonce is not None and isinstance(nonce, str) and len(nonce) > MAX_NONCE:
        raise invalid_form("nonce", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_NONCE} or fewer.")
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        _check_allowed_mentions(mentions)


def _check_embeds(embeds: list[Any]) -> None:
    if len(embeds) > MAX_EMBEDS:
        raise invalid_form("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            raise invalid_form(f"embeds.{i}", "MODEL_TYPE_CONVERT", "Only dictionaries allowed.")
        for key, limit in _EMBED_LIMITS.items():
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limit:
                raise invalid_form(
                    f"embeds.{i}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer."
                )
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            raise invalid_form(f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Max 25 fields.")
        for j, field in enumerate(fields):
            for key, limit in _FIELD_LIMITS.items():
                text = field.get(key)
                if not text:
                    raise invalid_form(
                        f"embeds.{i}.fields.{j}.{key}", "BASE_TYPE_REQUIRED", "Required."
                    )
                total += len(text)
                if len(text) > limit:
                    raise invalid_form(
                        f"embeds.{i}.fields.{j}.{key}", "BASE_TYPE_MAX_LENGTH", f"Max {limit}."
                    )
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
    if total > MAX_EMBED_TOTAL:
        raise invalid_form("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size.")


def _check_components(components: list[Any], *, v2: bool) -> None:
    if not v2 and len(components) > MAX_ACTION_ROWS:
        raise invalid_form("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        _check_component(row, f"components.{i}", seen)


def _check_component(component: Any, path: str, seen: set[str]) -> None:
    if not isinstance(component, dict) or "type" not in component:
        raise invalid_form(path, "MODEL_TYPE_CONVERT", "Only dictionaries allowed.")
    ctype = component["type"]
    if ctype == 1:
        children = component.get("components") or []
        if not children or len(children) > MAX_ROW_ITEMS:
            raise invalid_form(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    custom_id = component.get("custom_id")
    if custom_id is not None:
        if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
            raise invalid_form(f"{path}.custom_id", "BASE_TYPE_BAD_LENGTH", "Between 1 and 100.")
        if custom_id in seen:
            raise invalid_form(
                f"{path}.custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Duplicate custom_id."
            )
        seen.add(custom_id)
    if ctype == 2:
        label = component.get("label") or ""
        if len(label) > MAX_BUTTON_LABEL:
            raise invalid_form(f"{path}.label", "BASE_TYPE_MAX_LENGTH", "Max 80.")
        if component.get("style") == 5:
            if not component.get("url"):
                raise invalid_form(f"{path}.url", "BASE_TYPE_REQUIRED", "Link buttons need a url.")
        elif component.get("style") != 6 and custom_id is None:
            raise invalid_form(f"{path}.custom_id", "BASE_TYPE_REQUIRED", "Buttons need one.")
    for key in ("components",):
        for j, child in enumerate(component.get(key) or []):
            _check_component(child, f"{path}.{key}.{j}", seen)
    if "component" in component:
        _check_component(component["component"], f"{path}.component", seen)
    if "accessory" in component:
        _check_component(component["accessory"], f"{path}.accessory", seen)


def _check_allowed_mentions(mentions: Any) -> None:
    if not isinstance(mentions, dict):
        raise invalid_form("allowed_mentions", "MODEL_TYPE_CONVERT", "Only dictionaries allowed.")
    parse = mentions.get("parse", [])
    for kind in ("users", "roles"):
        if kind in parse and mentions.get(kind):
            raise invalid_form(
                f"allowed_mentions.{kind}",
                "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f"parse:[{kind}] and {kind}: [ids] are mutually exclusive.",
            )


def check_modal(data: Json) -> None:
    """Validate a modal (interaction callback type 9)."""
    title = data.get("title") or ""
    if not 1 <= len(title) <= MAX_MODAL_TITLE:
        raise invalid_form("data.title", "BASE_TYPE_BAD_LENGTH", "Between 1 and 45.")
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
        raise invalid_form("data.custom_id", "BASE_TYPE_BAD_LENGTH", "Between 1 and 100.")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise invalid_form("data.components", "BASE_TYPE_BAD_LENGTH", "Between 1 and 5.")


def check_choices(data: Json) -> None:
    """Validate autocomplete choices (interaction callback type 8)."""
    choices = data.get("choices")
    if choices is None:
        raise invalid_form("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
    if len(choices) > MAX_CHOICES:
        raise invalid_form("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise invalid_form(f"data.choices.{i}.name", "BASE_TYPE_BAD_LENGTH", "1 to 100.")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            raise invalid_form(f"data.choices.{i}.value", "BASE_TYPE_MAX_LENGTH", "Max 100.")
