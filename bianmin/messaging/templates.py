"""Message templates (消息模板): the shipped texts, the placeholders each code may use, and `render`.

A county may override any default text (a row with its county); `render` picks the county's active row,
else the default. A text is checked against PLACEHOLDERS when saved, never first when sent.
"""

import string

from bianmin.core.errors import Invalid

C = "{center}"
# code → (name, audience, urgent, the placeholders allowed, the shipped text)
SHIPPED = {
    "receive": ("收件", "applicant", False, {"center", "number", "item", "query_code"},
                f"【{C}】您申请的“{{item}}”已收件，办件编号{{number}}，查询码{{query_code}}。"),
    "accept": ("受理（承诺期限）", "applicant", False, {"center", "number", "item", "deadline", "query_code"},
               f"【{C}】您的办件{{number}}已受理，承诺于{{deadline}}前办结，可凭查询码{{query_code}}查询进度。"),
    "accept_complete": ("受理并当场办结", "applicant", False, {"center", "number", "item", "query_code"},
                        f"【{C}】您的办件{{number}}已受理并当场办结，请领取结果。"),
    "request_supplement": ("一次性告知补正", "applicant", False, {"center", "number", "count", "query_code"},
                           f"【{C}】您的办件{{number}}需补正{{count}}项材料，详见一次性告知书。"),
    "refuse": ("不予受理", "applicant", False, {"center", "number"},
               f"【{C}】您的办件{{number}}不予受理，理由及救济途径详见不予受理通知书。"),
    "suspend": ("暂停计时", "applicant", False, {"center", "number", "kind"},
                f"【{C}】您的办件{{number}}进入{{kind}}程序，暂停计时。"),
    "resume": ("恢复计时", "applicant", False, {"center", "number", "deadline"},
               f"【{C}】您的办件{{number}}恢复计时，办结期限顺延至{{deadline}}。"),
    "extend": ("延长期限", "applicant", False, {"center", "number", "days", "deadline"},
               f"【{C}】您的办件{{number}}办理期限延长{{days}}个工作日，至{{deadline}}。"),
    "complete": ("办结及领取方式", "applicant", False, {"center", "number", "outcome"},
                 f"【{C}】您的办件{{number}}已办结（{{outcome}}），请按约定方式领取。"),
    "withdraw": ("撤回", "applicant", False, {"center", "number"}, f"【{C}】您的办件{{number}}已撤回。"),
    "delivered": ("结果已送达", "applicant", False, {"center", "number"},
                  f"【{C}】您的办件{{number}}办理结果已送达，感谢您的配合。"),
    "rating_invitation": ("评价邀请", "applicant", False, {"center", "number", "link"},
                          f"【{C}】请为办件{{number}}的服务打分：{{link}}"),
    "rating_rectification": ("差评整改提醒", "staff", False, {"center", "number", "item", "step", "due"},
                             "办件{number}（{item}）差评整改：{step}，整改期限{due}，请及时处理。"),
    "handover_arriving": ("交接单到达", "staff", False, {"center", "handover", "agent", "count"},
                          "代办员{agent}交来{count}件办件（交接单 No.{handover}），请接收。"),
    "result_back": ("结果带回", "staff", False, {"center", "handover", "count"},
                    "{center}交来{count}件办结结果（交接单 No.{handover}），请带回给村民。"),
    "yellow_light": ("黄灯预警", "staff", False, {"center", "number", "deadline"},
                     "办件{number}将于{deadline}到期，已亮黄灯。"),
    "red_light": ("红灯超期", "staff", True, {"center", "number", "deadline"},
                  "办件{number}已超过办结期限{deadline}，亮红灯。"),
    "supervision_order": ("督办单", "staff", True, {"center", "number", "order", "reply_by"},
                          "办件{number}收到督办单{order}，请于{reply_by}前回复。"),
    "appointment_reminder": ("预约提醒", "applicant", False, {"center", "item", "time"},
                             f"【{C}】提醒：您预约了{{time}}办理“{{item}}”，请按时到场。"),
    "ticket_soon": ("叫号临近", "applicant", True, {"center", "number", "count"},
                    f"【{C}】您的{{number}}号前面还有{{count}}人，请回到大厅等候叫号。"),
    "appointment_booked": ("预约成功", "applicant", True, {"center", "item", "time", "code"},
                           f"【{C}】您已预约{{time}}办理“{{item}}”，预约码{{code}}，到场后凭预约码取优先号。"),
    "booking_code": ("预约验证码", "applicant", True, {"center", "code"},
                     f"【{C}】您的预约验证码为{{code}}，10分钟内有效。"),
    "mandate_code": ("委托验证码", "applicant", True, {"center", "agent", "item", "code"},
                     f"【{C}】{{agent}}受托为您代办“{{item}}”，确认委托请将验证码{{code}}告知代办员，10分钟内有效。"),
    "query_code": ("查询码", "applicant", False, {"center", "agent", "item", "number", "query_code"},
                   f"【{C}】您的“{{item}}”已由代办员{{agent}}代为申请，办件编号{{number}}，查询码{{query_code}}。"
                   "可在便民服务网站“办件查询”随时查看进度。"),
    # 咨询投诉工单 (bianmin.inquiries): to the person who brought it, and to the department it is sent to.
    "inquiry_registered": ("工单登记", "applicant", False, {"center", "number", "kind", "query_code", "due"},
                           f"【{C}】您反映的{{kind}}已登记，工单编号{{number}}，查询码{{query_code}}，"
                           "将于{due}前答复。"),
    "inquiry_dispatched": ("工单派单", "applicant", False, {"center", "number", "department", "due"},
                           f"【{C}】您的工单{{number}}已转交{{department}}办理，将于{{due}}前答复。"),
    "inquiry_answered": ("工单答复", "applicant", False, {"center", "number", "query_code"},
                         f"【{C}】您的工单{{number}}已答复，可凭查询码{{query_code}}在便民服务网站查看答复。"),
    "inquiry_callback": ("工单回访", "applicant", False, {"center", "number"},
                         f"【{C}】感谢您对工单{{number}}的评价，我们将持续改进服务。"),
    "inquiry_assigned": ("工单派至部门", "staff", False, {"center", "number", "kind", "department", "due"},
                         "工单{number}（{kind}）已派至{department}，请于{due}前答复。"),
}  # fmt: skip
PLACEHOLDERS = {code: spec[3] for code, spec in SHIPPED.items()}


def placeholders_in(text: str) -> list[str]:
    """The named placeholders of `text`; a malformed brace → Invalid."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        raise Invalid(
            "模板格式有误", fields={"text": "花括号不成对：占位符应写作 {名称}，如 {number}"}
        ) from None


def check(code: str, text: str) -> None:
    """Refuse a text using a placeholder its code does not know (named in the Chinese error)."""
    allowed = PLACEHOLDERS.get(code)
    if allowed is None:
        raise Invalid("未知的模板代码", fields={"code": f"没有代码为“{code}”的消息模板"})
    for name in placeholders_in(text):
        if name not in allowed:
            known = "、".join(f"{{{p}}}" for p in sorted(allowed))
            raise Invalid("模板含未知占位符", fields={"text": f"未知占位符 {{{name}}}；此模板可用：{known}"})


def template_for(code: str, county: str | None) -> tuple[str, bool] | None:
    """(text, urgent) of the county's active template for `code`, else of the default one; None if neither.

    One indexed read in plain SQL: it runs inside every case action that tells the applicant, and the
    ORM's query building cost more than the read (a county's row sorts before the default)."""
    from django.db import connection

    from bianmin.messaging.models import MessageTemplate

    table = connection.ops.quote_name(MessageTemplate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT text, urgent FROM {table} WHERE code = %s AND active = %s "
            "AND (county_id IS NULL OR county_id = %s) ORDER BY county_id IS NULL LIMIT 1",
            [code, True, county or ""],
        )
        row = cursor.fetchone()
    return (row[0], bool(row[1])) if row else None


def render(code: str, county: str | None, params: dict) -> tuple[str, bool]:
    """(text, urgent) for `code` in `county` with `params`; the shipped text if no row is active."""
    text, urgent = template_for(code, county) or (SHIPPED[code][4], SHIPPED[code][2])
    values = {name: params.get(name, "") for name in placeholders_in(text)}
    return text.format_map(values), urgent
