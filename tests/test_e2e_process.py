"""The bot as an operator runs it: a real ``python -m bot`` process against the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.emulator.server import Emulator

ROOT = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, emu: Emulator) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        "[storage]\n"
        f"database = '{tmp_path / 'bot.sqlite3'}'\n"
        "[discord]\n"
        f"api_base_url = '{emu.base_url}/api/v10'\n"
        f"gateway_url = '{emu.gateway_url}'\n",
        encoding="utf-8",
    )
    return config


async def start_bot(
    tmp_path: Path, emu: Emulator, *args: str, token: str | None = None
) -> asyncio.subprocess.Process:
    env = {**os.environ, "DISCORD_TOKEN": token or emu.token, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--config",
        str(write_config(tmp_path, emu)),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_sync_registers_the_command_tree(emulator: Emulator, tmp_path: Path) -> None:
    process = await start_bot(tmp_path, emulator, "sync")
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert stdout.decode().startswith("synced ")
    names = {c["name"] for c in emulator.global_commands}
    assert "about" in names
    assert "/about" in stdout.decode()


async def test_sync_to_one_server(emulator: Emulator, tmp_path: Path) -> None:
    guild = emulator.create_guild("Dev")
    process = await start_bot(tmp_path, emulator, "sync", "--guild", str(guild.id))
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert f"to server {guild.id}" in stdout.decode()
    assert {c["name"] for c in emulator.guild_commands[guild.id]} >= {"about"}
    assert emulator.global_commands == []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_shuts_down_cleanly_with_exit_0(
    emulator: Emulator, tmp_path: Path, stop: signal.Signals
) -> None:
    emulator.create_guild("Home")
    process = await start_bot(tmp_path, emulator, "run")
    try:
        await emulator.wait_for_gateway(direction="in", op=2, timeout=60)
        await emulator.wait_for_gateway(direction="out", event="READY", timeout=30)
        process.send_signal(stop)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert "shut down cleanly" in stderr.decode()
    # The database was closed properly: no WAL left needing recovery.
    assert (
        not (tmp_path / "bot.sqlite3-wal").exists()
        or (tmp_path / "bot.sqlite3-wal").stat().st_size == 0
    )


async def test_rejected_token_is_one_line(emulator: Emulator, tmp_path: Path) -> None:
    process = await start_bot(tmp_path, emulator, "run", token="not-the-token")
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1] == (
        "DISCORD_TOKEN was rejected by Discord: check the token"
    )
