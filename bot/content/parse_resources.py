"""Reads `resources/*.toml`: countries with emergency numbers, and help resources."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.fields import Fields
from bot.content.loaded import LoadedContent, check_top_level, entry_ident
from bot.content.models import Contact, Country, Resource
from bot.content.vocab import ContactMethod, ResourceKind


def parse_resource_file(file: str, data: Mapping[str, object], out: LoadedContent) -> None:
    """Read one resource file into `out`; `[[country]]` and `[[resource]]` may be in any file."""
    if not check_top_level(data, file, {"country", "resource"}, set(), out.problems):
        return
    countries = data.get("country", [])
    resources = data.get("resource", [])
    assert isinstance(countries, list) and isinstance(resources, list)
    for index, raw in enumerate(countries, 1):
        _country(file, raw, index, out)
    for index, raw in enumerate(resources, 1):
        _resource(file, raw, index, out)


def _country(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    fields = Fields(raw, file, entry_ident(raw, "country", index), out.problems)
    code = fields.text("code")
    name = fields.text("name")
    aliases = fields.texts("aliases", required=False)
    emergency = fields.text("emergency")
    emergency_source = fields.text("emergency_source")
    verified = fields.day("verified")
    fields.finish()
    if not fields.ok:
        return
    assert code and name and aliases is not None and emergency and emergency_source and verified
    label = f"country:{code}"
    if label in out.origin:
        fields.fail("code", f"country defined twice (also in {out.origin[label]})")
        return
    out.origin[label] = file
    out.countries.append(Country(code, name, aliases, emergency, emergency_source, verified, file))


def _resource(file: str, raw: Mapping[str, object], index: int, out: LoadedContent) -> None:
    ident = entry_ident(raw, "resource", index)
    fields = Fields(raw, file, ident, out.problems)
    resource_id = fields.text("id")
    country = fields.text("country")
    kind = fields.choice("kind", ResourceKind)
    name = fields.text("name")
    description = fields.text("description")
    raw_contacts = fields.tables("contacts")
    hours = fields.text("hours", required=False)
    languages = fields.texts("languages", required=False)
    source = fields.text("source")
    verified = fields.day("verified")
    fields.finish()
    contacts: list[Contact] = []
    for number, raw_contact in enumerate(raw_contacts or [], 1):
        contact_fields = Fields(raw_contact, file, f"{ident} contacts[{number}]", out.problems)
        method = contact_fields.choice("method", ContactMethod)
        value = contact_fields.text("value")
        contact_fields.finish()
        if method is not None and value is not None and contact_fields.ok:
            contacts.append(Contact(method, value))
        else:
            fields.ok = False
    if not fields.ok or resource_id is None or not out.claim(resource_id, file):
        return
    assert country and kind and name and description and source and verified
    assert languages is not None
    out.resources.append(
        Resource(
            resource_id,
            country,
            kind,
            name,
            description,
            tuple(contacts),
            source,
            verified,
            file,
            hours=hours,
            languages=languages,
        )
    )
