"""Finds duplicate and near-duplicate texts across the whole library.

Texts are normalised (lowercase, punctuation dropped, whitespace collapsed) and compared with
`token_sort_ratio`, which also catches the same words reordered. Comparison runs in rapidfuzz's C
code, one row at a time (`process.extract` over all later texts): ~800 texts take well under a
second without needing numpy for `cdist`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

NEAR_DUPLICATE_SCORE = 90.0


@dataclass(frozen=True, slots=True)
class SimilarPair:
    """Two entries whose texts are identical (score 100) or nearly so."""

    first_id: str
    second_id: str
    score: float


def similar_pairs(
    entries: Sequence[tuple[str, str]], threshold: float = NEAR_DUPLICATE_SCORE
) -> list[SimilarPair]:
    """Pairs of (id, text) entries whose normalised texts score at least `threshold` (0-100)."""
    ids = [entry_id for entry_id, _ in entries]
    texts = [utils.default_process(text) for _, text in entries]
    pairs: list[SimilarPair] = []
    for index, text in enumerate(texts[:-1]):
        later = texts[index + 1 :]
        matches = process.extract(
            text, later, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
        )
        for _, score, offset in sorted(matches, key=lambda m: m[2]):
            pairs.append(SimilarPair(ids[index], ids[index + 1 + offset], round(score, 1)))
    return pairs
