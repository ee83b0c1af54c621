"""Input types shared by the API's schemas and form parameters."""

from typing import Annotated

from pydantic import Field

# The largest value a 64-bit database integer (PostgreSQL bigint, SQLite INTEGER) holds.
MAX_DB_INT = 2**63 - 1

# A row id sent by a caller: positive and storable, so a huge number is a 422, not an OverflowError.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
