"""A local Discord emulator for end-to-end tests of discord.py bots.

The emulator speaks enough of Discord's gateway (WebSocket) and REST API for the real,
unmodified discord.py to connect to it, receive events and call the API. Tests drive it
through :class:`Emulator`: build guilds, inject interactions, inspect what the bot sent.
"""

from __future__ import annotations

from tests.emulator.clock import FakeClock
from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Channel, Guild, Member, Message, Role, User
from tests.emulator.ratelimit import BucketRule, RateLimitConfig
from tests.emulator.recorder import RecordedRequest
from tests.emulator.server import Emulator

__all__ = [
    "BucketRule",
    "Channel",
    "Emulator",
    "FakeClock",
    "Guild",
    "InteractionRecord",
    "Member",
    "Message",
    "RateLimitConfig",
    "RecordedRequest",
    "Role",
    "User",
]
