"""Input shapes several endpoints and actions share, and the text type that guards the boundary."""

import re
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

# Control characters other than tab and line breaks, and lone UTF-16 surrogates (which cannot be encoded,
# so a page showing them would fail forever): refused where the text enters, never stored.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _printable(value: str) -> str:
    if _UNPRINTABLE.search(value):
        raise ValueError("含有不可见的控制字符或无效字符，请重新输入")
    return value


Text = Annotated[str, AfterValidator(_printable)]


class MaterialIn(Schema):
    material: int = Field(..., ge=1, le=2**31 - 1)
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)
