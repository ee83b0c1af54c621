"""Building blocks for the case page tests: demo items, valid applicants, intake form posts, cases in a state."""

import uuid

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import FieldType, Item, ItemStatus

FAMEN = "610324106000"
TIANDU = "610324100000"
# 最低生活保障申请: 民政所 leads, 20 working days, may be extended by 10.
EXTENDABLE = f"MZ05001-{FAMEN}"


def item(key: str) -> Item:
    code = DEMO_ITEMS.get(key, key)
    return Item.objects.get(code=code, status=ItemStatus.PUBLISHED)


def user(username: str) -> User:
    return User.objects.get(username=username)


def id_number(n: int = 1) -> str:
    first17 = f"61032419500101{n % 1000:03d}"
    return first17 + id_check_char(first17)


def _answer(field) -> str | list[str]:
    if field.datatype == FieldType.DATE:
        return "1940-05-01"
    if field.datatype == FieldType.NUMBER:
        return "3"
    if field.datatype in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        first = field.choices[0]
        value = str(first.get("value", first.get("label"))) if isinstance(first, dict) else str(first)
        return [value] if field.datatype == FieldType.MULTI_CHOICE else value
    return "因病致贫"


def intake_post(the_item: Item, *, decision: str = "accept", missing=(), n: int = 1, **overrides) -> dict:
    """What the intake form posts: every material ticked except `missing` (names), valid answers."""
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "channel": "window",
        "applicant_kind": "person",
        "name": "张秀兰",
        "id_number": id_number(n),
        "phone": "13812345678",
        "address": "扶风县法门镇法门村三组",
        "decision": decision,
    }
    for field in the_item.fields.all():
        data[f"q_{field.code}"] = _answer(field)
    for m in the_item.materials.all():
        if m.name not in missing:
            data[f"m{m.pk}_received"] = "on"
        data[f"m{m.pk}_originals"] = m.originals
        data[f"m{m.pk}_copies"] = m.copies
    data.update(overrides)
    return data


def receive(key: str = "promised", *, clerk: str = "famen_clerk", n: int = 1, missing=(), name="张秀兰"):
    """A case received through the service (as the window would), every material handed in but `missing`."""
    the_item = item(key)
    answers = {}
    for field in the_item.fields.all():
        answers[field.code] = _answer(field)
    case, _ = services.receive_case(
        user(clerk),
        item=the_item.code,
        applicant={"kind": "person", "name": name, "id_number": id_number(n), "phone": "13812345678"},
        answers=answers,
        materials=[
            {"material": m.pk, "originals": m.originals, "copies": m.copies}
            for m in the_item.materials.all()
            if m.name not in missing
        ],
    )
    return case


def accepted(key: str = "promised", **kwargs):
    case = receive(key, **kwargs)
    clerk = kwargs.get("clerk", "famen_clerk")
    return services.accept_case(user(clerk), case.number)
