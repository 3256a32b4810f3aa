"""REST routes for interaction callbacks and their webhook follow-ups."""

from __future__ import annotations

from tests.emulator import payloads
from tests.emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    TOKEN_LIFETIME,
    InteractionRecord,
)
from tests.emulator.models import FLAG_EPHEMERAL, FLAG_LOADING, Message
from tests.emulator.router import Context, Reply, RouteTable, no_content, ok
from tests.emulator.routes_channels import check_upload_size
from tests.emulator.util import ApiError, Json, invalid_form
from tests.emulator.validation import check_choices, check_message, check_modal

routes = RouteTable()

# Which callback types each interaction type accepts.
_ALLOWED = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}


def _unknown_interaction() -> ApiError:
    return ApiError(404, 10062, "Unknown interaction")


@routes.add(
    "POST",
    "/interactions/{interaction_id}/{interaction_token}/callback",
    auth=False,
    global_exempt=True,
)
async def callback(ctx: Context) -> Reply:
    """The one initial response to an interaction (within the deadline, only once)."""
    emu = ctx.emu
    record = emu.interactions.by_token.get(ctx.params["interaction_token"])
    if record is None or str(record.id) != ctx.params["interaction_id"]:
        raise _unknown_interaction()
    deadline = emu.interaction_deadline
    if deadline is not None and emu.clock() - record.created_at > deadline:
        raise _unknown_interaction()
    if record.acknowledged:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    body = ctx.body
    kind = body.get("type")
    if kind not in _ALLOWED[record.type]:
        raise invalid_form(
            "type",
            "INTERACTION_RESPONSE_TYPE_INVALID",
            "Invalid response type for this interaction.",
        )
    if record.type == MODAL_SUBMIT and kind == 7 and record.source_message is None:
        raise invalid_form("type", "INTERACTION_RESPONSE_TYPE_INVALID", "No message to update.")
    data: Json = body.get("data") or {}
    resource = _apply_callback(ctx, record, kind, data)
    record.callback_type = kind
    record.callback = body
    record.callback_files = list(ctx.uploads)
    emu.interactions.changed(record)
    if ctx.query.get("with_response") not in ("true", "True", "1"):
        return no_content()
    summary: Json = {"id": str(record.id), "type": record.type}
    if record.original is not None and kind in (4, 5, 7):
        summary["response_message_id"] = str(record.original.id)
        summary["response_message_loading"] = kind == 5
        summary["response_message_ephemeral"] = record.original.ephemeral
    response: Json = {"interaction": summary}
    if resource is not None:
        response["resource"] = resource
    return ok(response)


def _apply_callback(ctx: Context, record: InteractionRecord, kind: int, data: Json) -> Json | None:
    emu = ctx.emu
    if kind == 4:
        check_message(data, has_files=bool(ctx.uploads), interaction=True)
        check_upload_size(ctx, _size_limit(record))
        record.original = _new_response(ctx, record, data, loading=False)
        return {"type": 4, "message": emu.message_payload(record.original)}
    if kind == 5:
        record.original = _new_response(ctx, record, data, loading=True)
        return None
    if kind == 7:
        check_message(data, has_files=bool(ctx.uploads), interaction=True, edit=True)
        check_upload_size(ctx, _size_limit(record))
        source = record.source_message
        assert source is not None
        data = {k: v for k, v in data.items() if k != "flags"}
        record.original = emu.edit_message(source, data, ctx.uploads)
        return {"type": 7, "message": emu.message_payload(record.original)}
    if kind == 6:
        record.original = record.source_message
    elif kind == 8:
        check_choices(data)
        record.choices = list(data["choices"])
    elif kind == 9:
        check_modal(data)
        record.modal = data
    return None


def _new_response(ctx: Context, record: InteractionRecord, data: Json, *, loading: bool) -> Message:
    emu = ctx.emu
    channel = emu.channel(record.channel_id or 0)
    flags = int(data.get("flags") or 0) & FLAG_EPHEMERAL
    body = dict(data)
    if loading:
        body = {"flags": flags | FLAG_LOADING}
    else:
        body["flags"] = int(data.get("flags") or 0)
    message = emu.new_message(
        channel,
        emu.bot,
        {},
        [],
        type=20 if record.type == APPLICATION_COMMAND else 0,
        webhook_id=emu.application_id,
        application_id=emu.application_id,
        interaction_metadata=_metadata(record),
        flags=flags,
    )
    emu.apply_body(message, body, [] if loading else ctx.uploads)
    return emu.store_message(message)


def _metadata(record: InteractionRecord) -> Json:
    metadata: Json = {
        "id": str(record.id),
        "type": record.type,
        "user": payloads.user(record.user),
        "authorizing_integration_owners": record.payload.get("authorizing_integration_owners", {}),
    }
    if record.type == APPLICATION_COMMAND:
        metadata["name"] = record.name
        metadata["command_type"] = 1
    if record.source_message is not None:
        metadata["interacted_message_id"] = str(record.source_message.id)
    return metadata


def _size_limit(record: InteractionRecord) -> int:
    return int(record.payload.get("attachment_size_limit", 10 * 1024 * 1024))


# -- follow-ups and @original ---------------------------------------------------------------


def _webhook_record(ctx: Context) -> InteractionRecord:
    emu = ctx.emu
    if ctx.params["webhook_id"] != str(emu.application_id):
        raise ApiError(404, 10015, "Unknown Webhook")
    record = emu.interactions.by_token.get(ctx.params["webhook_token"])
    if record is None or not record.acknowledged:
        raise ApiError(404, 10015, "Unknown Webhook")
    if emu.clock() - record.created_at > TOKEN_LIFETIME:
        raise ApiError(401, 50027, "Invalid Webhook Token")
    return record


def _target(ctx: Context, record: InteractionRecord) -> Message:
    message_id = ctx.params["message_id"]
    if message_id == "@original":
        if record.original is None or record.original.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return record.original
    for message in [record.original, *record.followups]:
        if message is not None and str(message.id) == message_id and not message.deleted:
            return message
    raise ApiError(404, 10008, "Unknown Message")


_WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"


@routes.add("POST", _WEBHOOK, auth=False, global_exempt=True)
async def followup(ctx: Context) -> Reply:
    """A follow-up message; after a deferral the first one fills in the placeholder."""
    emu = ctx.emu
    record = _webhook_record(ctx)
    body = ctx.body
    check_message(body, has_files=bool(ctx.uploads), interaction=True)
    check_upload_size(ctx, _size_limit(record))
    original = record.original
    if original is not None and original.flags & FLAG_LOADING and record.callback_type == 5:
        edit = {k: v for k, v in body.items() if k != "flags"}
        original.flags &= ~FLAG_LOADING
        message = emu.edit_message(original, edit, ctx.uploads)
    else:
        message = _new_response(ctx, record, body, loading=False)
        record.followups.append(message)
    emu.interactions.changed(record)
    if ctx.query.get("wait") in ("true", "True", "1"):
        return ok(emu.message_payload(message))
    return no_content()


@routes.add("GET", _WEBHOOK + "/messages/{message_id}", auth=False, global_exempt=True)
async def get_webhook_message(ctx: Context) -> Reply:
    """``@original`` or a follow-up."""
    record = _webhook_record(ctx)
    return ok(ctx.emu.message_payload(_target(ctx, record)))


@routes.add("PATCH", _WEBHOOK + "/messages/{message_id}", auth=False, global_exempt=True)
async def edit_webhook_message(ctx: Context) -> Reply:
    """Edit ``@original`` (finishing a deferral) or a follow-up."""
    emu = ctx.emu
    record = _webhook_record(ctx)
    message = _target(ctx, record)
    check_message(ctx.body, has_files=bool(ctx.uploads), interaction=True, edit=True)
    check_upload_size(ctx, _size_limit(record))
    message.flags &= ~FLAG_LOADING
    body = {k: v for k, v in ctx.body.items() if k != "flags"}
    emu.edit_message(message, body, ctx.uploads)
    emu.interactions.changed(record)
    return ok(emu.message_payload(message))


@routes.add("DELETE", _WEBHOOK + "/messages/{message_id}", auth=False, global_exempt=True)
async def delete_webhook_message(ctx: Context) -> Reply:
    """Delete ``@original`` or a follow-up."""
    record = _webhook_record(ctx)
    ctx.emu.delete_message(_target(ctx, record))
    ctx.emu.interactions.changed(record)
    return no_content()
