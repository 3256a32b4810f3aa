"""``python -m bot`` as an operator runs it: real subprocesses, real exit codes and output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_bot(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environ.update(env or {})
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("args", [(), ("run",), ("sync",)])
def test_no_token_is_one_line_naming_the_variable(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_bot(*args, env={"DISCORD_TOKEN": ""}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0]
    assert result.stdout == ""


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[scheduling]\ngrace_hours = 99\n", encoding="utf-8")
    result = run_bot("check", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"config error: {config.resolve()}: 'scheduling.grace_hours' must be a number of hours "
        "from 0 to 24, got 99"
    ]


def test_check_passes_offline_on_the_example_config_and_prints_the_tree() -> None:
    result = run_bot("check", "--config", "config.example.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/about" in result.stdout
    assert "0 problems" in result.stdout


def test_check_needs_no_token_and_touches_no_database(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[storage]\ndatabase = 'never.sqlite3'\n", encoding="utf-8")
    result = run_bot("check", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "never.sqlite3").exists()


def test_check_prints_the_next_posts_from_an_existing_database(tmp_path: Path) -> None:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.store import Store
    from bot.store.schedules import NewSchedule

    db = tmp_path / "bot.sqlite3"

    async def seed() -> None:
        store = await Store.open(db)
        new = NewSchedule(
            guild_id=1, kind="daily-prompt", channel_id=2, local_time="09:00", timezone="UTC"
        )
        await store.create_schedule(new, datetime.now(UTC) + timedelta(hours=1))
        await store.close()

    asyncio.run(seed())
    before = db.read_bytes()
    config = tmp_path / "config.toml"
    config.write_text("[storage]\ndatabase = 'bot.sqlite3'\n", encoding="utf-8")
    result = run_bot("check", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "next scheduled posts" in result.stdout
    assert "1 schedule(s)" in result.stdout
    assert db.read_bytes() == before, "check never writes to the database"
