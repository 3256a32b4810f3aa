"""`ContentLibrary`: every loaded record, with the lookups the bot needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.content.flow_texts import FlowTexts
from bot.content.models import (
    Barrier,
    CharacteristicInfo,
    CheckinQuestion,
    Country,
    Deck,
    IntimacyTypeInfo,
    Prompt,
    Resource,
    Scale,
    Source,
    Starter,
)
from bot.content.vocab import (
    INTL,
    BarrierKey,
    Characteristic,
    IntimacyType,
    ResourceKind,
    StarterFormat,
)

_KIND_ORDER = {ResourceKind.CRISIS: 0, ResourceKind.THERAPIST: 1, ResourceKind.DIRECTORY: 2}


def normalise_name(text: str) -> str:
    """Case- and whitespace-insensitive form of a country name, code or alias."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class ResourceSet:
    """What `/resources` shows for a country.

    `local` holds the country's own resources (crisis lines first); `international` the `INTL`
    ones. `is_fallback` is true when there is nothing local (unknown country or none listed), so
    the reply leads with the international directory and "call your local emergency number".
    """

    country: Country | None
    local: tuple[Resource, ...]
    international: tuple[Resource, ...]

    @property
    def is_fallback(self) -> bool:
        """True when no local resource exists for the asked country."""
        return not self.local


def _by_kind(resources: Iterable[Resource]) -> tuple[Resource, ...]:
    return tuple(sorted(resources, key=lambda r: _KIND_ORDER[r.kind]))  # stable: file order kept


class ContentLibrary:
    """Everything under `prompts/`, validated and indexed. Treat as immutable."""

    def __init__(
        self,
        *,
        decks: Sequence[Deck],
        prompts: Sequence[Prompt],
        starters: Sequence[Starter],
        checkin_questions: Sequence[CheckinQuestion],
        flow_texts: FlowTexts,
        sources: Sequence[Source],
        intimacy_types: Sequence[IntimacyTypeInfo],
        characteristics: Sequence[CharacteristicInfo],
        scale: Scale,
        barriers: Sequence[Barrier],
        countries: Sequence[Country],
        resources: Sequence[Resource],
    ) -> None:
        self.decks = tuple(decks)
        self.prompts = tuple(prompts)
        self.starters = tuple(starters)
        self.checkin_questions = tuple(checkin_questions)
        self.flow_texts = flow_texts
        self.sources = tuple(sources)
        self.intimacy_types = tuple(intimacy_types)
        self.characteristics = tuple(characteristics)
        self.scale = scale
        self.barriers = tuple(barriers)
        self.countries = tuple(countries)
        self.resources = tuple(resources)

        self._decks = {d.id: d for d in self.decks}
        self._prompts = {p.id: p for p in self.prompts}
        self._starters = {s.id: s for s in self.starters}
        self._checkin = {q.id: q for q in self.checkin_questions}
        self._sources = {s.id: s for s in self.sources}
        self._types = {t.key: t for t in self.intimacy_types}
        self._characteristics = {c.key: c for c in self.characteristics}
        self._barriers = {b.key: b for b in self.barriers}
        self._resources = {r.id: r for r in self.resources}
        self._countries_by_code = {c.code: c for c in self.countries}
        # Names and aliases resolve to a country; codes win over names when they collide.
        self._country_names: dict[str, Country] = {}
        for country in self.countries:
            for name in (country.name, *country.aliases):
                self._country_names.setdefault(normalise_name(name), country)
        for country in self.countries:
            self._country_names[normalise_name(country.code)] = country

    # Decks and entries -------------------------------------------------------------------------

    def deck(self, deck_id: str) -> Deck | None:
        """The deck with this id."""
        return self._decks.get(deck_id)

    def prompt(self, prompt_id: str) -> Prompt | None:
        """The daily prompt with this id (None when unknown or retired)."""
        return self._prompts.get(prompt_id)

    def starter(self, starter_id: str) -> Starter | None:
        """The starter with this id."""
        return self._starters.get(starter_id)

    def checkin_question(self, question_id: str) -> CheckinQuestion | None:
        """The check-in question with this id."""
        return self._checkin.get(question_id)

    def prompts_of_type(self, type_: IntimacyType) -> tuple[Prompt, ...]:
        """Daily prompts of one intimacy type, in file order."""
        return tuple(p for p in self.prompts if p.type is type_)

    def starters_of_format(self, format_: StarterFormat) -> tuple[Starter, ...]:
        """Starters of one format, in file order."""
        return tuple(s for s in self.starters if s.format is format_)

    def checkin_of_characteristic(self, key: Characteristic) -> tuple[CheckinQuestion, ...]:
        """Check-in questions of one characteristic, in file order."""
        return tuple(q for q in self.checkin_questions if q.characteristic is key)

    # Learn -------------------------------------------------------------------------------------

    def source(self, source_id: str) -> Source | None:
        """The cited work with this id."""
        return self._sources.get(source_id)

    def sources_of(self, ids: Iterable[str]) -> tuple[Source, ...]:
        """The cited works with these ids, in the given order (unknown ids skipped)."""
        return tuple(self._sources[i] for i in ids if i in self._sources)

    def intimacy_type(self, key: IntimacyType) -> IntimacyTypeInfo | None:
        """The explainer of an intimacy type."""
        return self._types.get(key)

    def characteristic(self, key: Characteristic) -> CharacteristicInfo | None:
        """The explainer of a characteristic."""
        return self._characteristics.get(key)

    def barrier(self, key: BarrierKey) -> Barrier | None:
        """The explainer of a barrier."""
        return self._barriers.get(key)

    # Resources ---------------------------------------------------------------------------------

    def resource(self, resource_id: str) -> Resource | None:
        """The resource with this id."""
        return self._resources.get(resource_id)

    def country(self, query: str) -> Country | None:
        """The country whose code, name or alias equals `query` (case-insensitive)."""
        return self._country_names.get(normalise_name(query))

    def search_countries(self, text: str, limit: int = 25) -> list[Country]:
        """Countries for autocomplete: exact matches, then prefix, then substring, by name."""
        needle = normalise_name(text)
        ranked: list[tuple[int, str, Country]] = []
        for country in self.countries:
            names = [normalise_name(n) for n in (country.code, country.name, *country.aliases)]
            if not needle:
                rank = 2
            elif needle in names:
                rank = 0
            elif any(n.startswith(needle) for n in names):
                rank = 1
            elif any(needle in n for n in names):
                rank = 2
            else:
                continue
            ranked.append((rank, country.name, country))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [country for _, _, country in ranked[:limit]]

    def resources_for(self, query: str | None) -> ResourceSet:
        """Resources for a country (code, name or alias), with the international fallback."""
        country = self.country(query) if query else None
        local = [r for r in self.resources if country is not None and r.country == country.code]
        international = [r for r in self.resources if r.country == INTL]
        return ResourceSet(country, _by_kind(local), _by_kind(international))

    def international_directories(self) -> tuple[Resource, ...]:
        """`INTL` directories: what to show when a country is unknown."""
        return tuple(
            r for r in self.resources if r.country == INTL and r.kind is ResourceKind.DIRECTORY
        )
