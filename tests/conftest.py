"""Shared fixtures: the Discord emulator plugin and a running bot connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.emulator.server import Emulator
from tests.harness import Harness, MovableClock, build_world, default_settings

pytest_plugins = ["tests.emulator.plugin"]


@pytest.fixture
async def world_harness(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Harness]:
    """The test server and settings, with no bot started yet."""
    guild, general, review, moderator, member, other = build_world(emulator)
    harness = Harness(
        emu=emulator,
        settings=default_settings(tmp_path, emulator),
        clock=MovableClock(),
        guild=guild,
        general=general,
        review=review,
        moderator=moderator,
        member=member,
        other=other,
    )
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def harness(world_harness: Harness) -> Harness:
    """A bot connected to the emulator, ready for interactions."""
    await world_harness.start()
    return world_harness
