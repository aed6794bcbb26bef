"""The OpenAPI description (``openapi.json``) and request validation against its schemas.

The description is JSON (PyYAML is not a dependency); OpenAPI 3.1 schemas are JSON Schema
2020-12, so jsonschema validates request bodies with the very schemas the clients read.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import ApiError, detail

SPEC_PATH = Path(__file__).with_name("openapi.json")
SPEC_URI = "urn:anketa:api:openapi"


@functools.lru_cache(maxsize=1)
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """A validator of ``components/schemas/<name>`` ($refs resolve within the document)."""
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"},
                                registry=registry)


def pointer(path) -> str:
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in path) or "/"


def check(name: str, body) -> dict:
    """``body`` if it matches schema ``name``; else 422 with one detail per problem."""
    errors = sorted(validator(name).iter_errors(body), key=lambda error: [str(part) for part in error.path])
    if errors:
        raise ApiError(422, "invalid_request", _("The request body does not match the API "
                                                 "description (see /api/v1/openapi.json)."),
                       [detail(error.message, path=pointer(error.absolute_path))
                        for error in errors[:20]])
    return body
