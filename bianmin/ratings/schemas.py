"""Input shapes of the rating and rectification endpoints and forms (422 naming the field otherwise)."""

from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from bianmin.core.schemas import Text
from bianmin.ratings.models import Reached

PUBLIC_CHANNELS = Literal["qr", "mobile", "pc", "tablet", "sms", "phone", "paper", "online"]


class RatingIn(Schema):
    level: int = Field(..., ge=1, le=5, title="评价等级（1 非常满意 … 5 非常不满意）")
    stage: Literal["intake", "completion"] = Field(..., title="评价环节")
    channel: PUBLIC_CHANNELS = Field("mobile", title="评价渠道")
    comment: Text = Field("", max_length=500, title="评价内容")
    tags: list[Text] = Field([], max_length=10, title="评价标签")

    @field_validator("level", mode="before")
    @classmethod
    def _no_booleans(cls, value):
        # true/false would otherwise count as 1/0: a level is a number from 1 to 5, nothing else.
        if isinstance(value, bool):
            raise ValueError("评价等级应为 1–5 的整数")
        return value


class StaffRatingIn(Schema):
    """A rating given by phone or on paper, recorded by staff who did not handle the case."""

    level: int = Field(..., ge=1, le=5)
    stage: Literal["intake", "completion"]
    channel: Literal["phone", "paper"]
    comment: Text = Field("", max_length=500)
    tags: list[Text] = Field([], max_length=10)

    _no_booleans = field_validator("level", mode="before")(RatingIn._no_booleans.__func__)


REACHED = {"phone": "电话", "visit": "上门", "window": "到窗口", "sms": "短信"}


class StepIn(Schema):
    version: int | None = Field(None, ge=1, le=2**31)
    reached: Literal["phone", "visit", "window", "sms"] = Field(Reached.PHONE, title="联系方式")
    verification: Text = Field("", max_length=1000, title="核实情况")
    reason: Text = Field("", max_length=1000, title="理由/意见")
    invalid: bool = Field(False, title="认定为无效差评")
    plan: Text = Field("", max_length=1000, title="整改措施")
    result: Text = Field("", max_length=1000, title="整改结果")
    level: int | None = Field(None, ge=1, le=5, title="追评等级")
    note: Text = Field("", max_length=500, title="回访情况")
    days: int | None = Field(None, ge=1, le=10, title="延长工作日")

    @property
    def reached_label(self) -> str:
        return REACHED.get(self.reached, "")


STEP_SCHEMAS = {
    name: StepIn
    for name in (
        "verify", "appeal", "decide_appeal", "start", "rectify", "callback",
        "request_extension", "approve_extension", "decline_extension",
    )
}  # fmt: skip
