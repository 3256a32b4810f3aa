"""Config: each bad-config case gets one clear line; the example documents every key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, Settings, known_keys, load_settings

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path | None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(path, env=env or {}).require_token()
    message = str(info.value)
    assert "\n" not in message, "an operator gets one line"
    return message


def test_example_config_loads_and_documents_every_key() -> None:
    example = ROOT / "config.example.toml"
    settings = load_settings(example, env={"DISCORD_TOKEN": "abc"})
    assert settings.grace_hours == 6
    text = example.read_text(encoding="utf-8")
    for section, keys in known_keys().items():
        assert f"[{section}]" in text
        for key in keys:
            assert re.search(rf"^#? ?{key} = ", text, re.M), f"{section}.{key} is undocumented"


def test_missing_token_names_the_variable(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, ""))
    assert "DISCORD_TOKEN" in message


def test_token_comes_from_environment_and_never_shows(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), env={"DISCORD_TOKEN": " s3cret-token "})
    assert settings.require_token() == "s3cret-token"
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in str(settings.token)


def test_unreadable_file(tmp_path: Path) -> None:
    message = error_for(tmp_path / "nope.toml", {"DISCORD_TOKEN": "x"})
    assert "cannot read config file" in message and "nope.toml" in message


def test_default_path_may_be_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(None, env={"DISCORD_TOKEN": "x"}).database.name == "closeness.sqlite3"


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "[bot]\nlog_level = \n"), {"DISCORD_TOKEN": "x"})
    assert "TOML syntax error" in message and "line 2" in message


def test_unknown_key_is_named_with_known_keys(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "[storage]\ndatabse = 'x'\n"), {"DISCORD_TOKEN": "x"})
    assert "unknown key 'storage.databse'" in message and "database" in message


def test_unknown_section(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "[shedule]\nx = 1\n"), {"DISCORD_TOKEN": "x"})
    assert "unknown section [shedule]" in message


@pytest.mark.parametrize(
    ("toml", "key", "allowed"),
    [
        ("[scheduling]\ngrace_hours = 'six'", "scheduling.grace_hours", "0 to 24"),
        ("[scheduling]\ngrace_hours = 30", "scheduling.grace_hours", "0 to 24"),
        ("[bot]\nlog_level = 'LOUD'", "bot.log_level", "DEBUG, INFO"),
        ("[bot]\nowner_ids = 5", "bot.owner_ids", "a list of Discord user ids"),
        ("[bot]\ndev_guild_id = -1", "bot.dev_guild_id", "a Discord server id"),
        ("[bot]\ndev_guild_id = true", "bot.dev_guild_id", "a Discord server id"),
        ("[discord]\napi_base_url = 'ftp://x'", "discord.api_base_url", "http(s) URL"),
        ("bot = 3", "[bot]", "table"),
    ],
)
def test_wrong_type_or_value_names_key_and_allowed(
    tmp_path: Path, toml: str, key: str, allowed: str
) -> None:
    message = error_for(write(tmp_path, toml), {"DISCORD_TOKEN": "x"})
    assert key in message and allowed in message


def test_relative_database_is_relative_to_config_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[storage]\ndatabase = 'db/x.sqlite3'\n"), env={})
    assert settings.database == tmp_path.resolve() / "db" / "x.sqlite3"


def test_settings_are_frozen() -> None:
    settings = Settings(token=Secret("x"))
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


def test_example_parses_as_toml() -> None:
    with (ROOT / "config.example.toml").open("rb") as fh:
        assert "scheduling" in tomllib.load(fh)
