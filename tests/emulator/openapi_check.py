"""Check recorded REST requests against Discord's own OpenAPI 3.1 description.

The emulator records every request discord.py sends; ``validate_request`` tells whether Discord
would accept its shape (route, method, path and query parameters, auth header, JSON body).

- The spec is read from ``$DISCORD_OPENAPI_SPEC`` or ``../shared/discord-api-spec/openapi.json``
  beside the repository, once per process and path.
- When it is missing the checks are skipped with a visible warning, except under ``CI=true``,
  where ``SpecMissingError`` is raised.
- ``multipart/form-data`` bodies (messages with files) are validated the way Discord reads them:
  the ``payload_json`` part is checked as the operation's JSON body and every other part must be
  a ``files[n]`` field (one the operation lists, where its multipart schema lists them). Without
  a ``payload_json`` part the form goes to openapi-core as it is.
- Unknown query parameters are reported (openapi-core ignores them). Unknown body fields are not:
  the spec leaves ``additionalProperties`` open and is incomplete (``nsfw`` on commands, ``flags``
  on embeds, ``tts`` on edits), so forbidding them would flag what Discord accepts.
- The one known discord.py quirk (an integer ``recipient_id`` when opening a DM) is accepted for
  that route and field only; see ``_QUIRKS``.
- Speed: the spec's own validation (~4 s) is skipped, so loading takes ~0.1 s; routes are resolved
  by a small router and the resolved operation is cached per (method, path template), JSON-schema
  validators per schema. A warm validation takes ~0.7 ms without a body and ~2 ms with a message
  body (the rest is jsonschema walking Discord's unions).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jsonschema.exceptions import ValidationError as SchemaError  # type: ignore[import-untyped]
from jsonschema_path import SchemaPath
from openapi_core.casting.schemas import oas31_schema_casters_factory
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.datatypes import TemplateResult
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.datatypes import PathOperationServer
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.validation.request.exceptions import (
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from openapi_core.validation.request.validators import V31RequestValidator
from openapi_core.validation.schemas import oas31_schema_validators_factory
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_core.validation.schemas.validators import SchemaValidator
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_ENV_VAR = "DISCORD_OPENAPI_SPEC"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC_PATH = REPO_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"

API_PREFIX = "/api/v10"
HOST_URL = "https://discord.com"  # the spec's server is https://discord.com/api/v10

_FILE_PART = re.compile(r"^files\[\d+\]$")


class SpecMissingError(RuntimeError):
    """Raised under CI when the OpenAPI description cannot be found."""


class SpecMissingWarning(UserWarning):
    """Emitted once (outside CI) when the OpenAPI description is missing and checks are skipped."""


def spec_path() -> Path:
    """Where the OpenAPI description is expected: ``$DISCORD_OPENAPI_SPEC`` or the default."""
    configured = os.environ.get(SPEC_ENV_VAR)
    return Path(configured) if configured else DEFAULT_SPEC_PATH


def spec_available() -> bool:
    """Whether the OpenAPI description file exists at ``spec_path()``."""
    return spec_path().is_file()


def spec_missing_reason() -> str:
    """A sentence saying why spec checks are skipped, or ``""`` when the spec is available."""
    path = spec_path()
    if path.is_file():
        return ""
    source = f"${SPEC_ENV_VAR}" if os.environ.get(SPEC_ENV_VAR) else "the default location"
    return (
        f"Discord OpenAPI spec not found at {path} (from {source}); request shape checks are "
        "skipped. Download openapi.json from github.com/discord/discord-api-spec or set "
        f"{SPEC_ENV_VAR}."
    )


def running_in_ci() -> bool:
    """Whether ``CI`` is set to a true value, as CI services do."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def validate_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes | None,
    content_type: str | None,
) -> list[str]:
    """Return the problems Discord's OpenAPI description finds in one request (empty = valid).

    ``path`` is the path after ``/api/v10`` (the prefix is accepted too, as is a query string,
    which is merged into ``query``). Raises ``SpecMissingError`` under CI when the spec is absent.
    """
    checker = _checker()
    if checker is None:
        return []
    return checker.validate(method, path, query, headers, body, content_type)


_CHECKERS: dict[Path, _SpecChecker] = {}
_NOTIFIED: set[Path] = set()


def _checker() -> _SpecChecker | None:
    path = spec_path()
    checker = _CHECKERS.get(path)
    if checker is not None:
        return checker
    if not path.is_file():
        reason = spec_missing_reason()
        if running_in_ci():
            raise SpecMissingError(reason)
        if path not in _NOTIFIED:
            _NOTIFIED.add(path)
            warnings.warn(reason, SpecMissingWarning, stacklevel=3)
        return None
    checker = _SpecChecker(json.loads(path.read_bytes()))
    _CHECKERS[path] = checker
    return checker


def _stringify_recipient_id(body: Any) -> Any:
    """discord.py 2.7.1 ``HTTPClient.start_private_message`` sends the user id as an int."""
    if isinstance(body, dict):
        value = body.get("recipient_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return {**body, "recipient_id": str(value)}
    return body


# Known, accepted discord.py deviations, by (method, path template). Keep this list short and
# named: everything else discord.py sends must match the spec as published.
_QUIRKS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("post", "/users/@me/channels"): _stringify_recipient_id,
}


@dataclass
class _Request:
    """The openapi-core ``Request`` protocol over one recorded request, plus its resolved route."""

    method: str
    path: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    template: str
    variables: dict[str, str]
    host_url: str = HOST_URL


@dataclass
class _Operation:
    """What is cached per (method, path template)."""

    template: str
    found: PathOperationServer
    query_names: frozenset[str]
    content_types: frozenset[str]
    multipart_fields: frozenset[str]


@dataclass
class _Route:
    """One path template of the spec, as a regex over the path after ``/api/v10``."""

    template: str
    methods: frozenset[str]
    pattern: re.Pattern[str] = field(init=False)
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        parts = re.split(r"\{([^}]+)\}", self.template)
        self.names = tuple(parts[1::2])
        self.pattern = re.compile(
            "".join("([^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts))
        )

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return None if found is None else dict(zip(self.names, found.groups(), strict=True))


class _CachingSchemaValidators(SchemaValidatorsFactory):
    """openapi-core builds a JSON-schema validator (deep-copying a format checker) per use;
    they are stateless, so one per schema location is enough."""

    def __init__(self, inner: SchemaValidatorsFactory) -> None:
        self._inner = inner
        self._cache: dict[tuple[Any, ...], SchemaValidator] = {}

    def create(  # type: ignore[override]
        self, spec: SchemaPath, schema: SchemaPath, **options: Any
    ) -> SchemaValidator:
        if options.get("format_validators") or options.get("extra_format_validators"):
            return self._inner.create(spec, schema, **options)
        key = (schema.parts, tuple(sorted(options.items())))
        validator = self._cache.get(key)
        if validator is None:
            validator = self._cache[key] = self._inner.create(spec, schema, **options)
        return validator


class _CachingRequestValidator(V31RequestValidator):
    """A V3.1 request validator whose route lookup is memoised by the owning checker."""

    operations: dict[tuple[str, str], _Operation]

    def _find_path(self, request: Any) -> PathOperationServer:
        cached = self.operations.get((request.method, request.template))
        if cached is None:
            return super()._find_path(request)
        found = cached.found
        return PathOperationServer(
            found.path,
            found.operation,
            found.server,
            TemplateResult(request.template, request.variables),
            found.server_result,
        )


class _SpecChecker:
    """One loaded spec: router, validator and per-operation caches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._spec = SchemaPath.from_dict(document)
        # The spec is Discord's own and trusted: skip openapi-spec-validator's pass over it.
        schema_validators = _CachingSchemaValidators(oas31_schema_validators_factory)
        self._validator = _CachingRequestValidator(
            self._spec,
            schema_validators_factory=schema_validators,
            schema_casters_factory=SchemaCastersFactory(
                schema_validators, oas31_schema_casters_factory.types_caster
            ),
        )
        self._operations: dict[tuple[str, str], _Operation] = {}
        self._validator.operations = self._operations
        self._routes = [
            _Route(template, frozenset(item) - {"parameters"})
            for template, item in document["paths"].items()
        ]

    def validate(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes | None,
        content_type: str | None,
    ) -> list[str]:
        method = method.lower()
        path, _, query_string = path.partition("?")
        if path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        label = f"{method.upper()} {path}"
        query_items = parse_qsl(query_string, keep_blank_values=True) + list(query.items())

        resolved = self._resolve(method, path)
        if resolved is None:
            return [f"{label}: {self._route_problem(method, path)}"]
        template, variables = resolved
        try:
            operation = self._operation(method, path, template)
        except PathError as error:
            return [f"{label}: {error}"]
        if operation.template != template:
            variables = {}  # let openapi-core resolve them for its choice
        template = operation.template
        label = f"{method.upper()} {template}"

        problems = [
            f"{label}: unknown query parameter {name!r}"
            for name, _ in query_items
            if name not in operation.query_names
        ]
        body, content_type, body_problems = self._prepare_body(
            method, template, operation, body, content_type
        )
        problems += [f"{label}: {problem}" for problem in body_problems]
        request = _Request(
            method=method,
            path=API_PREFIX + path,
            parameters=RequestParameters(
                query=ImmutableMultiDict(query_items), header=Headers(list(headers.items()))
            ),
            body=body,
            content_type=content_type,
            template=template,
            variables=variables,
        )
        for found in self._validator.iter_errors(request):
            problems += [f"{label}: {line}" for line in _describe(found)]
        return problems

    def _resolve(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """Pick the route openapi-core would: literal paths first, then fewest variables."""
        candidates = [
            (route.template, variables)
            for route in self._routes
            if method in route.methods and (variables := route.match(path)) is not None
        ]
        return min(candidates, key=lambda pair: len(pair[1]), default=None)

    def _route_problem(self, method: str, path: str) -> str:
        if any(route.match(path) is not None for route in self._routes):
            return f"method {method.upper()} is not allowed on this route (Discord's OpenAPI spec)"
        return "unknown route (not in Discord's OpenAPI spec)"

    def _operation(self, method: str, path: str, template: str) -> _Operation:
        key = (method, template)
        cached = self._operations.get(key)
        if cached is not None:
            return cached
        found = self._validator.path_finder.find(method, HOST_URL + API_PREFIX + path)
        # openapi-core's choice is authoritative; cache only when the router agrees with it.
        template_found = found.path_result.pattern
        item = self._document["paths"][template_found]
        op = item[method]
        parameters = [*item.get("parameters", []), *op.get("parameters", [])]
        content = op.get("requestBody", {}).get("content", {})
        multipart = content.get("multipart/form-data", {}).get("schema", {})
        operation = _Operation(
            template=template_found,
            found=found,
            query_names=frozenset(p["name"] for p in parameters if p.get("in") == "query"),
            content_types=frozenset(content),
            multipart_fields=frozenset(_inline_properties(multipart)),
        )
        if template_found == template:
            self._operations[key] = operation
        return operation

    def _prepare_body(
        self,
        method: str,
        template: str,
        operation: _Operation,
        body: bytes | None,
        content_type: str | None,
    ) -> tuple[bytes | None, str, list[str]]:
        """Turn multipart into its JSON payload and apply the named quirk, if any."""
        if not body:
            return None, content_type or "", []
        if not content_type:
            return body, "", ["request has a body but no Content-Type"]
        problems: list[str] = []
        mimetype = content_type.split(";", 1)[0].strip().lower()
        if mimetype == "multipart/form-data" and mimetype in operation.content_types:
            payload, problems = _split_multipart(body, content_type, operation.multipart_fields)
            if payload is None:  # no payload_json: let openapi-core read the form as it is
                return body, content_type, problems
            body, content_type, mimetype = payload, "application/json", "application/json"
        quirk = _QUIRKS.get((method, template))
        if quirk is not None and mimetype == "application/json":
            with contextlib.suppress(ValueError):  # openapi-core reports malformed JSON
                body = json.dumps(quirk(json.loads(body))).encode()
        return body, content_type, problems


def _inline_properties(schema: Mapping[str, Any]) -> Iterator[str]:
    """Property names written inline in a schema or its ``allOf`` members (not via $ref)."""
    yield from schema.get("properties", {})
    for member in schema.get("allOf", []):
        yield from _inline_properties(member)


def _split_multipart(
    body: bytes, content_type: str, file_fields: frozenset[str]
) -> tuple[bytes | None, list[str]]:
    """Return the ``payload_json`` part and problems with the other parts' names.

    Parts other than ``payload_json`` must be ``files[n]``; where the operation's multipart schema
    lists its file fields (``files[0]`` ... ``files[9]``) only those are allowed. Some operations
    (interaction callbacks, webhook execution) accept files without listing them.
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return None, ["multipart/form-data body could not be parsed"]
    payload: bytes | None = None
    problems: list[str] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "payload_json":
            content = part.get_payload(decode=True)
            payload = content if isinstance(content, bytes) else b""
        elif not _FILE_PART.match(str(name)) or (file_fields and name not in file_fields):
            problems.append(f"multipart part {name!r} is not a field this route accepts")
    return payload, problems


def _describe(error: Exception) -> Iterator[str]:
    """Readable lines for one openapi-core error."""
    cause = error.__cause__
    if isinstance(error, MissingRequiredRequestBody):
        yield "request body is required"
    elif isinstance(error, RequestBodyValidationError) and isinstance(cause, InvalidSchemaValue):
        for schema_error in cause.schema_errors:
            yield f"body{_schema_message(schema_error)}"
    elif isinstance(error, RequestBodyValidationError) and isinstance(cause, MediaTypeNotFound):
        yield (
            f"Content-Type {cause.mimetype.split(';')[0]!r} is not accepted "
            f"(expects one of {cause.availableMimetypes})"
        )
    elif isinstance(error, ParameterValidationError) and isinstance(cause, InvalidSchemaValue):
        for schema_error in cause.schema_errors:
            yield f"{error.location} parameter {error.name!r}{_schema_message(schema_error)}"
    elif isinstance(error, ParameterValidationError):
        yield f"{error.location} parameter {error.name!r}: {cause or error}"
    elif isinstance(error, SecurityValidationError):
        yield f"missing or unusable credentials ({cause or error})"
    else:
        yield str(error) if cause is None else f"{error.__class__.__name__}: {cause}"


def _schema_message(error: SchemaError) -> str:
    """``<json path>: <message>`` for the most telling leaf of a JSON-schema error."""
    leaf = _closest_leaf(error)
    where = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in leaf.absolute_path
    )
    message = leaf.message if len(leaf.message) <= 300 else leaf.message[:300] + "..."
    if leaf is not error:
        message += f" (no alternative of {error.validator} matched)"
    return f"{where}: {message}"


def _closest_leaf(error: SchemaError) -> SchemaError:
    """Inside anyOf/oneOf, follow the alternative that got furthest into the value.

    jsonschema's ``best_match`` prefers shallow errors, which for Discord's unions reports
    "type is not one of [8]" from an unrelated branch instead of the field that is wrong.
    """
    if not error.context:
        return error
    branches: dict[Any, list[SchemaError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def progress(errors: list[SchemaError]) -> tuple[int, bool, int]:
        only_not_null = all(e.validator == "type" and e.validator_value == "null" for e in errors)
        return (len(deepest(errors).absolute_path), not only_not_null, -len(errors))

    def deepest(errors: list[SchemaError]) -> SchemaError:
        return max((_closest_leaf(e) for e in errors), key=lambda e: len(e.absolute_path))

    return deepest(max(branches.values(), key=progress))
