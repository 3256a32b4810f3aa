"""Settings: ``config.toml`` parsed into frozen, typed values; the token only from the environment.

Every key is declared once in ``_SCHEMA`` with its type, default and a human description of what is
allowed, so an operator's typo or wrong value gets one line naming the key and what to write.
``config.example.toml`` documents the same keys; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN_ENV = "DISCORD_TOKEN"
DEFAULT_CONFIG_PATH = Path("config.toml")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """A configuration problem, phrased as the one line an operator needs to fix it."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that never shows itself in logs, reprs or tracebacks."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its config file (and the token from the environment)."""

    token: Secret = Secret("")
    owner_ids: tuple[int, ...] = ()
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    database: Path = Path("data/closeness.sqlite3")
    grace_hours: float = 6.0
    pacing_per_second: float = 48.0
    api_base_url: str | None = None
    gateway_url: str | None = None
    source: Path | None = None

    def require_token(self) -> str:
        """The token, or a ConfigError naming the variable to set."""
        if not self.token:
            raise ConfigError(
                f"{TOKEN_ENV} is not set: put the bot token in the {TOKEN_ENV} environment variable"
            )
        return self.token.reveal()


def _snowflake(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError
    number = int(value)
    if number <= 0 or number >= 1 << 64:
        raise ValueError
    return number


def _snowflakes(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise ValueError
    return tuple(_snowflake(item) for item in value)


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value.upper() not in {o.upper() for o in options}:
            raise ValueError
        return next(o for o in options if o.upper() == value.upper())

    return parse


def _number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        if not low <= value <= high:
            raise ValueError
        return float(value)

    return parse


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    return value.strip()


def _url(value: Any) -> str:
    text = _text(value)
    if not text.startswith(("http://", "https://", "ws://", "wss://")):
        raise ValueError
    return text.rstrip("/")


@dataclass(frozen=True, slots=True)
class _Key:
    attr: str
    parse: Callable[[Any], Any]
    allowed: str


# section -> key -> how to read it. The attribute names are Settings fields.
_SCHEMA: Mapping[str, Mapping[str, _Key]] = {
    "bot": {
        "owner_ids": _Key("owner_ids", _snowflakes, "a list of Discord user ids, e.g. [1234]"),
        "dev_guild_id": _Key("dev_guild_id", _snowflake, "a Discord server id (a number)"),
        "log_level": _Key("log_level", _choice(LOG_LEVELS), "one of " + ", ".join(LOG_LEVELS)),
        "log_format": _Key("log_format", _choice(LOG_FORMATS), "one of " + ", ".join(LOG_FORMATS)),
    },
    "storage": {
        "database": _Key("database", lambda v: Path(_text(v)), "a file path, e.g. data/bot.db"),
    },
    "scheduling": {
        "grace_hours": _Key("grace_hours", _number(0, 24), "a number of hours from 0 to 24"),
        "pacing_per_second": _Key(
            "pacing_per_second", _number(1, 49), "requests per second from 1 to 49"
        ),
    },
    "discord": {
        "api_base_url": _Key("api_base_url", _url, "an http(s) URL ending in /api/v10"),
        "gateway_url": _Key("gateway_url", _url, "a ws(s) URL"),
    },
}


def known_keys() -> dict[str, tuple[str, ...]]:
    """Section -> key names, for documentation checks."""
    return {section: tuple(keys) for section, keys in _SCHEMA.items()}


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_settings(
    data: Mapping[str, Any], *, source: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Turn parsed TOML into Settings; the first problem found raises ConfigError."""
    where = f"{source}: " if source else ""
    values: dict[str, Any] = {}
    for section, table in data.items():
        keys = _SCHEMA.get(section)
        if keys is None:
            raise ConfigError(
                f"{where}unknown section [{section}] (known sections: {', '.join(_SCHEMA)})"
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{where}[{section}] must be a table of keys, not a value")
        for key, value in table.items():
            spec = keys.get(key)
            if spec is None:
                raise ConfigError(
                    f"{where}unknown key '{section}.{key}' "
                    f"(known keys in [{section}]: {', '.join(keys)})"
                )
            try:
                values[spec.attr] = spec.parse(value)
            except (ValueError, TypeError):
                raise ConfigError(
                    f"{where}'{section}.{key}' must be {spec.allowed}, got {_describe(value)}"
                ) from None
    database = values.get("database")
    if source is not None and isinstance(database, Path) and not database.is_absolute():
        # Relative paths are relative to the config file, never to the working directory.
        values["database"] = source.parent / database
    environ = os.environ if env is None else env
    return Settings(token=Secret(environ.get(TOKEN_ENV, "").strip()), source=source, **values)


def load_settings(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file. ``path=None`` means ``./config.toml``, which may be absent."""
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    if not explicit and not path.exists():
        return parse_settings({}, env=env)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_settings(data, source=path.resolve(), env=env)
