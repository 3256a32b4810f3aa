"""The `/resources` reply: the server's own resources, then the library's, within Discord's limits.

What must always be seen (the emergency line, crisis lines, directories, the not-therapy line) is
laid out first; a server's own list gets whatever room is left, so a long list of server
resources can never push a crisis line out of the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import discord

from bot.content import ContentLibrary, ResourceSet
from bot.content.models import Contact, Resource
from bot.content.vocab import ContactMethod, ResourceKind
from bot.embeds import (
    MESSAGE_EMBED_TOTAL,
    Field,
    Section,
    link_label,
    pack_sections,
    take_fields,
    truncate,
)
from bot.store.resources import ServerResource
from bot.texts import NOT_THERAPY

HEADER_COLOUR = 0xE5534B
SERVER_COLOUR = 0x3BA55D
KIND_COLOURS = {
    ResourceKind.CRISIS: 0xE5534B,
    ResourceKind.THERAPIST: 0x5B8DEF,
    ResourceKind.DIRECTORY: 0x8E7CC3,
}
METHOD_LABELS = {
    ContactMethod.CALL: "Call",
    ContactMethod.TEXT: "Text",
    ContactMethod.CHAT: "Chat",
    ContactMethod.WEB: "Web",
    ContactMethod.EMAIL: "Email",
    ContactMethod.APP: "App",
}
LOCAL_EMERGENCY = "**If you are in danger, call your local emergency number.**"
# Room the server section's title and note take, on top of its fields.
_SERVER_SECTION_OVERHEAD = 300


@dataclass(frozen=True, slots=True)
class ResourcesQuery:
    """What the member asked for: ``typed`` is the raw option (None when left empty)."""

    typed: str | None
    found: ResourceSet


def format_date(day: date) -> str:
    """A date nobody misreads across countries, e.g. ``23 Nov 2026``."""
    return f"{day.day} {day:%b %Y}"


def contact_text(contact: Contact) -> str:
    """One way to reach a service: links as short labelled links, numbers in bold."""
    label = METHOD_LABELS[contact.method]
    value = contact.value
    if value.startswith(("https://", "http://")):
        return f"{label}: [{link_label(value)}]({value})"
    return f"{label}: **{value}**"


def resource_field(resource: Resource) -> Field:
    """A library resource: what it is, how to reach it, hours, and where it was checked."""
    lines = [truncate(resource.description, 300)]
    lines.append(" · ".join(contact_text(c) for c in resource.contacts))
    if resource.hours:
        lines.append(f"Hours: {resource.hours}")
    lines.append(f"[Source]({resource.source}) · checked {format_date(resource.verified)}")
    return Field(resource.name, "\n".join(lines))


def server_resource_field(resource: ServerResource, library: ContentLibrary) -> Field:
    """A server resource; its text was checked at input (no mentions, no disguised links)."""
    contact = resource.contact
    lines = [contact if contact.startswith("https://") else f"Call: **{contact}**"]
    if resource.description:
        lines.append(resource.description)
    if resource.country:
        country = library.country(resource.country)
        lines.append(f"For members in {country.name if country else resource.country}")
    return Field(resource.name, "\n".join(lines))


def relevant_server_resources(
    resources: Sequence[ServerResource], found: ResourceSet, typed: str | None
) -> list[ServerResource]:
    """Server-wide resources, plus those for the asked country; all of them when none was asked."""
    if typed is None:
        return list(resources)
    code = found.country.code if found.country else None
    return [r for r in resources if r.country is None or r.country == code]


def header_section(query: ResourcesQuery) -> Section:
    """The first embed: the emergency line, and what to do when the country was not found."""
    found = query.found
    country = found.country
    lines: list[str] = []
    if query.typed is not None and country is None:
        shown = discord.utils.escape_markdown(truncate(query.typed.strip(), 50))
        lines.append(
            f"I don't have a list for “{shown}”. Type a country name, like “Canada”, and pick it "
            "from the list."
        )
    if country is not None:
        lines.append(
            f"**If you are in danger, call {country.emergency} (the emergency number in "
            f"{country.name}).** [Source]({country.emergency_source})"
        )
        if found.is_fallback:
            lines.append(
                f"I don't have services listed for {country.name} yet; the international "
                "directories below list helplines country by country."
            )
    else:
        lines.append(LOCAL_EMERGENCY)
    if query.typed is None:
        lines.append(
            "Add `country:` to see crisis lines and ways to find a therapist where you live."
        )
    lines.append("You can reach out to these services at any time; you don't need to be in crisis.")
    title = f"Help in {country.name}" if country else "Help and support"
    return Section(title=title, description="\n\n".join(lines), colour=HEADER_COLOUR)


def library_sections(found: ResourceSet) -> list[Section]:
    """The country's resources by kind (crisis lines first), then the international ones."""
    sections: list[Section] = []
    where = found.country.name if found.country else ""
    titles = {
        ResourceKind.CRISIS: f"Crisis lines in {where}",
        ResourceKind.THERAPIST: f"Finding a therapist in {where}",
        ResourceKind.DIRECTORY: f"Directories in {where}",
    }
    for kind in ResourceKind:
        local = [r for r in found.local if r.kind is kind]
        if local:
            fields = [resource_field(r) for r in local]
            sections.append(Section(titles[kind], fields, colour=KIND_COLOURS[kind]))
    international_titles = {
        ResourceKind.CRISIS: "International crisis support",
        ResourceKind.THERAPIST: "Finding a therapist (international)",
        ResourceKind.DIRECTORY: "International directories",
    }
    for kind in ResourceKind:
        worldwide = [r for r in found.international if r.kind is kind]
        if worldwide:
            fields = [resource_field(r) for r in worldwide]
            sections.append(Section(international_titles[kind], fields, colour=KIND_COLOURS[kind]))
    return sections


def server_section(
    resources: Sequence[ServerResource], library: ContentLibrary, budget: int
) -> Section | None:
    """This server's resources that fit in ``budget`` characters, or None when it has none."""
    if not resources:
        return None
    fields = [server_resource_field(r, library) for r in resources]
    kept, left_out = take_fields(fields, max(budget, 0))
    lines = ["Added by this server's moderators."]
    if left_out:
        lines.append(
            f"{left_out} more did not fit here: add `country:` to see the ones for your country."
        )
    return Section("From this server", kept, description=" ".join(lines), colour=SERVER_COLOUR)


def resources_embeds(
    query: ResourcesQuery,
    server_resources: Sequence[ServerResource],
    library: ContentLibrary,
) -> list[discord.Embed]:
    """The whole `/resources` reply: header, this server's list, then the library's."""
    header = header_section(query)
    official = library_sections(query.found)
    baseline = pack_sections([header, *official], footer=NOT_THERAPY)
    room = MESSAGE_EMBED_TOTAL - sum(len(e) for e in baseline) - _SERVER_SECTION_OVERHEAD
    mine = relevant_server_resources(server_resources, query.found, query.typed)
    server = server_section(mine, library, room)
    sections = [header, *([server] if server else []), *official]
    return pack_sections(sections, footer=NOT_THERAPY)
