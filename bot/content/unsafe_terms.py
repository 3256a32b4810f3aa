"""Terms that must not appear in public decks (shared channels that may include under-18s).

This is data: edit the lists, not the matcher. A term matches whole words only, case-insensitively
("sex" does not match "Sussex", "sextant" or "Essex"). A trailing ``*`` makes a term a prefix
("suicid*" matches "suicide" and "suicidal"). A space or hyphen inside a term matches a space, a
hyphen or nothing ("self harm" matches "self-harm" and "selfharm").

Terms with common innocent uses were left out on purpose, because a false alarm teaches writers
to ignore the check: "naked" (the naked eye), "make out" (make out a shape), "kink" (work out the
kinks), "virgin" (olive oil, the islands), "cut yourself" (cut yourself some slack).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

UNSAFE_TERMS: Mapping[str, tuple[str, ...]] = {
    "sexual content": (
        "sex", "sexes", "sexual*", "sexy", "sext", "sexting", "sexted",
        "nude*", "nudity", "porn*", "erotic*", "orgasm*", "arousal", "aroused", "horny",
        "foreplay", "intercourse", "hookup*", "hook up with", "one night stand",
        "genital*", "condom*", "lingerie", "fetish*", "seduc*", "grope*", "groping", "fondl*",
        "masturbat*", "nsfw", "onlyfans", "virginity", "stripper*", "strip club", "sensual*",
        "lust", "lustful", "make love", "making love", "kiss", "kisses", "kissed", "kissing",
    ),
    "self-harm and suicide": (
        "suicid*", "self harm*", "self injur*", "kill myself", "kill yourself", "killing myself",
        "end my life", "end your life", "take my own life", "take your own life", "overdos*",
        "eating disorder*", "anorexi*", "bulimi*", "starve yourself", "starve myself",
    ),
    "trauma and abuse": (
        "trauma*", "ptsd", "abus*", "assault*", "rape", "raped", "rapist*", "raping",
        "molest*", "incest", "domestic violence", "harass*", "bullied",
        "abortion*", "miscarr*",
    ),
}  # fmt: skip


def _pattern(term: str) -> str:
    prefix = term.endswith("*")
    words = re.split(r"[\s-]+", term.rstrip("*"))
    body = r"[\s-]*".join(re.escape(word) for word in words)
    return body + (r"[^\W_]*" if prefix else "")


# Boundaries are "not a letter or digit" rather than \b, so "sex_ed" and "sex-ed" match too.
_MATCHER = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(_pattern(t) for terms in UNSAFE_TERMS.values() for t in terms)
    + r")(?![^\W_])",
    re.IGNORECASE,
)


def find_unsafe_terms(text: str) -> list[str]:
    """The unsafe words or phrases found in `text`, as written there, in order."""
    return [match.group(0) for match in _MATCHER.finditer(text)]
