"""Discord's REST rate limits: a global per-bot limit plus per-route buckets.

Fixed windows, keyed like Discord's: a bucket is a route rule plus the route's top-level
resource (channel, guild or webhook id+token). Time comes from an injectable clock, and
limits can be switched off or shrunk per test (see :class:`RateLimitConfig`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from tests.emulator.clock import Clock

_MAJOR_PARAMS = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id")


@dataclass(frozen=True)
class BucketRule:
    """``limit`` requests per ``window`` seconds for ``method`` + ``route`` (``*`` = any method)."""

    name: str
    method: str
    route: str
    limit: int
    window: float

    @property
    def bucket_hash(self) -> str:
        """A stable, Discord-looking bucket id for the ``X-RateLimit-Bucket`` header."""
        return hashlib.sha1(self.name.encode()).hexdigest()[:32]


#: Approximations of Discord's published per-route limits.
DEFAULT_RULES: tuple[BucketRule, ...] = (
    BucketRule("message-create", "POST", "/channels/{channel_id}/messages", 5, 5.0),
    BucketRule("message-edit", "PATCH", "/channels/{channel_id}/messages/{message_id}", 5, 5.0),
    BucketRule("message-delete", "DELETE", "/channels/{channel_id}/messages/{message_id}", 5, 1.0),
)


@dataclass
class RateLimitConfig:
    """Rate-limit settings.

    ``enabled=False`` turns every limit off and omits the ``X-RateLimit-*`` headers, so
    discord.py never waits. Routes without a rule get ``default_limit`` per
    ``default_window`` (generous, so only the named rules bite in ordinary tests).
    """

    enabled: bool = True
    global_limit: int = 50
    global_window: float = 1.0
    rules: tuple[BucketRule, ...] = DEFAULT_RULES
    default_limit: int = 50
    default_window: float = 1.0


@dataclass
class Verdict:
    """The limiter's answer: allowed or not, with the headers to send either way."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"


@dataclass
class _Window:
    start: float
    count: int = 0


class RateLimiter:
    """Counts requests per bucket and globally, in fixed windows on ``clock``."""

    def __init__(self, config: RateLimitConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._buckets: dict[str, _Window] = {}
        self._global = _Window(start=-math.inf)

    def rule_for(self, method: str, route: str) -> BucketRule:
        """The rule that applies to ``method route`` (a default one when none is named)."""
        for rule in self.config.rules:
            if rule.route == route and rule.method in ("*", method):
                return rule
        return BucketRule(
            f"{method} {route}",
            method,
            route,
            self.config.default_limit,
            self.config.default_window,
        )

    def check(
        self, method: str, route: str, params: dict[str, str], *, exempt_global: bool
    ) -> Verdict:
        """Count one request; a 429 verdict does not consume anything."""
        if not self.config.enabled:
            return Verdict(allowed=True)
        now = self.clock()
        if not exempt_global:
            window = self._global
            if now >= window.start + self.config.global_window:
                window.start, window.count = now, 0
            if window.count >= self.config.global_limit:
                retry = window.start + self.config.global_window - now
                headers = {
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Retry-After": str(max(1, math.ceil(retry))),
                }
                return Verdict(False, headers, retry, is_global=True, scope="global")
        rule = self.rule_for(method, route)
        key = rule.bucket_hash + ":" + "+".join(params[p] for p in _MAJOR_PARAMS if p in params)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket.start + rule.window:
            bucket = self._buckets[key] = _Window(start=now)
        reset = bucket.start + rule.window
        if bucket.count >= rule.limit:
            headers = self._headers(rule, 0, reset, now)
            headers["X-RateLimit-Scope"] = "user"
            headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
            return Verdict(False, headers, reset - now)
        bucket.count += 1
        if not exempt_global:
            self._global.count += 1
        return Verdict(True, self._headers(rule, rule.limit - bucket.count, reset, now))

    def headers_for(self, method: str, route: str) -> dict[str, str]:
        """Headers for a response that did not go through :meth:`check` (e.g. a fault)."""
        if not self.config.enabled:
            return {}
        rule = self.rule_for(method, route)
        now = self.clock()
        return self._headers(rule, 0, now + rule.window, now)

    @staticmethod
    def _headers(rule: BucketRule, remaining: int, reset: float, now: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, reset - now):.3f}",
            "X-RateLimit-Bucket": rule.bucket_hash,
        }
