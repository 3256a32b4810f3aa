"""Files the bot uploads (exports, import reports).

discord.py describes a new upload as ``{"id": <int index>}`` in ``attachments``; Discord's API
description types attachment ids as snowflake strings. This subclass sends the index as a string,
which Discord accepts either way, so every request the bot makes matches the published spec.
"""

from __future__ import annotations

import io
from typing import Any

import discord


class UploadFile(discord.File):
    """A ``discord.File`` whose attachment descriptor uses a string id."""

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["id"] = str(payload["id"])
        return payload


def text_file(content: str | bytes, filename: str, *, description: str | None = None) -> UploadFile:
    """An in-memory UTF-8 file ready to attach to a reply."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return UploadFile(io.BytesIO(data), filename=filename, description=description)
