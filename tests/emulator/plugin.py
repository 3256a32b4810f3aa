"""pytest plugin: the ``emulator`` fixture.

Register with ``pytest_plugins = ["tests.emulator.plugin"]`` in the root conftest. Configure a
test's emulator with the marker, e.g. ``@pytest.mark.emulator(rate_limits=False)``; its
keyword arguments go to :class:`~tests.emulator.server.Emulator`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.emulator.server import Emulator


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``emulator`` marker."""
    config.addinivalue_line(
        "markers", "emulator(**options): keyword arguments for the test's Discord emulator"
    )


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """A started emulator with discord.py pointed at it.

    At teardown every client started with ``emu.connect`` is closed, the server stops, and
    the test fails if the bot called an unknown route, crashed the emulator, or sent a
    request Discord's OpenAPI description rejects.
    """
    marker = request.node.get_closest_marker("emulator")
    options = dict(marker.kwargs) if marker else {}
    emu = Emulator(**options)
    await emu.start()
    try:
        with emu.patch_discord():
            yield emu
    finally:
        await emu.close()
    problems = emu.check()
    if problems:
        pytest.fail("Discord emulator problems:\n- " + "\n- ".join(problems), pytrace=False)
