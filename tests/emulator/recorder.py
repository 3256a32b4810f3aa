"""The record of every REST request the bot made, and multipart parsing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tests.emulator.state import Upload
from tests.emulator.util import ApiError

_DISPOSITION_PARAM = re.compile(r';\s*([\w*]+)="((?:[^"\\]|\\.)*)"')


@dataclass
class RecordedRequest:
    """One REST request and the emulator's answer.

    ``path`` is relative to the API base (``/channels/1/messages``); ``route`` is the
    matched template (``/channels/{channel_id}/messages``) or None for an unknown route.
    ``json`` is the JSON body, or ``payload_json`` of a multipart body.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    timestamp: float
    route: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: list[Upload] = field(default_factory=list)
    status: int = 0
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


def parse_body(body: bytes, content_type: str | None) -> tuple[Any, list[Upload]]:
    """Parse a JSON or multipart body into (json, uploaded files)."""
    if not body:
        return None, []
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "application/json":
        try:
            return json.loads(body), []
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
    if mime == "multipart/form-data":
        return _parse_multipart(body, content_type or "")
    return None, []


def _parse_multipart(body: bytes, content_type: str) -> tuple[Any, list[Upload]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ApiError(400, 50035, "Invalid Form Body")
    delimiter = b"--" + match.group(1).encode()
    payload: Any = None
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers = _part_headers(head)
        params = dict(_DISPOSITION_PARAM.findall(headers.get("content-disposition", "")))
        name = params.get("name", "")
        if "filename" in params:
            uploads.append(Upload(name, params["filename"], headers.get("content-type"), content))
        elif name == "payload_json":
            try:
                payload = json.loads(content)
            except ValueError:
                raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
        else:
            fields[name] = content.decode()
    if payload is None and fields:
        payload = fields
    return payload, uploads


def _part_headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers
