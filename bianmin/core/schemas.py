"""Input types shared by the API's schemas and form parameters."""

from typing import Annotated

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import Field, model_validator

# The largest value a 64-bit database integer (PostgreSQL bigint, SQLite INTEGER) holds.
MAX_DB_INT = 2**63 - 1

# A row id sent by a caller: positive and storable, so a huge number is a 422, not an OverflowError.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]


class ObjectIn(Schema):
    """A nested JSON object in a request body. ninja's Schema reads any value through attribute access, so
    `"proxy": "x"` would pass as an object of defaults; this one insists on a JSON object (422 otherwise)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        # Replaces ninja's root validator (same name), which would wrap any value for attribute access.
        if not isinstance(values, dict | cls):
            raise ValueError("应为 JSON 对象")
        return handler(DjangoGetter(values, cls, info.context))
