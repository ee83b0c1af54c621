"""Demo cases at 法门镇 (and two at 天度镇), made through the services on a clock pinned relative to today.

So that `make run` shows every queue with something in it and every warning light: green, yellow and
red deadlines, a case waiting past Art. 32's five working days, a supplement request, a joint case half
signed, an escalated case at the county, an extension request for the director, a suspension, a refusal,
an instant case to deliver and a delivered one. Idempotent: each case carries an Idempotency-Key
"demo-case-NN", and the loader stops at once when the first exists.
"""

import datetime as dt

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.cases.actions import dispatch
from bianmin.cases.clock import current_calendar
from bianmin.cases.models import IdempotencyKey
from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS, FAMEN, TIANDU
from bianmin.catalog.models import FieldType, Item, ItemStatus
from bianmin.core import clock
from bianmin.regions.models import Region

KEY = "demo-case-{:02d}"
PROMISED, JOINT, ESCALATED, INSTANT = (
    DEMO_ITEMS["promised"],
    DEMO_ITEMS["joint"],
    DEMO_ITEMS["escalated"],
    DEMO_ITEMS["instant"],
)
DIBAO = f"MZ05001-{FAMEN}"  # 最低生活保障申请: 20 working days, may be extended by 10
RELIEF = f"MZ05003-{FAMEN}"  # 临时救助申请: 10 working days
NAMES = ["张秀兰", "李建国", "王桂英", "赵志强", "刘翠花", "陈福生", "杨淑珍", "周有才", "吴玉梅", "孙长林",
         "马秋菊", "朱永红", "胡德明", "郭素芳"]  # fmt: skip


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _workdays_before(calendar, today: dt.date, n: int) -> dt.date:
    """The working day n working days before today (today itself when n is 0 and it is a working day)."""
    day = today
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    while n:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _answers(item: Item) -> dict:
    out = {}
    for field in item.fields.all():
        if field.datatype == FieldType.DATE:
            out[field.code] = "1941-06-15"
        elif field.datatype == FieldType.NUMBER:
            out[field.code] = 3
        elif field.datatype in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            first = field.choices[0] if field.choices else ""
            value = str(first.get("value", first.get("label"))) if isinstance(first, dict) else str(first)
            out[field.code] = [value] if field.datatype == FieldType.MULTI_CHOICE else value
        else:
            out[field.code] = "家庭成员因病丧失劳动能力，生活困难"
    return out


class Demo:
    """Walks each demo case through its steps, each step at its own pinned moment."""

    def __init__(self, key: str = KEY, first: int = 0):
        self.today = clock.today()
        self.calendar = current_calendar(Region.objects.get(code=FAMEN))
        self.key, self.n = key, first

    def at(self, workdays_ago: int, minute: int = 0):
        day = _workdays_before(self.calendar, self.today, workdays_ago)
        moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=clock.SHANGHAI) + dt.timedelta(minutes=minute)
        if moment > clock.now():
            # Never in the future: the last steps "today" happen a little before the loader runs.
            moment = clock.now() - dt.timedelta(minutes=max(1, 30 - minute))
        return clock.pinned(moment)

    def receive(
        self, code: str, ago: int, *, clerk="famen_clerk", missing=(), channel="window", home_visit=False
    ):
        """Receive one demo case `ago` working days back; None if it already exists (idempotent)."""
        self.n += 1
        item = Item.objects.get(code=code, status=ItemStatus.PUBLISHED)
        first17 = f"610324{1935 + self.n}0101{self.n:03d}"
        materials = [
            {"material": m.pk, "originals": m.originals, "copies": m.copies}
            for m in item.materials.all()
            if m.name not in missing
        ]
        with self.at(ago, minute=self.n):
            case, created = services.receive_case(
                _user(clerk),
                item=code,
                channel=channel,
                applicant={
                    "kind": "person",
                    "name": NAMES[(self.n - 1) % len(NAMES)],
                    "id_number": first17 + id_check_char(first17),
                    "phone": f"1399170{self.n:04d}",
                    "address": "扶风县法门镇法门村" if clerk.startswith("famen") else "扶风县天度镇天度村",
                },
                answers=_answers(item),
                materials=materials,
                proxy={"home_visit": home_visit, "mandate": True} if channel == "proxy" else None,
                idempotency_key=self.key.format(self.n),
            )
        return case if created else None

    def act(self, ago: int, minute: int, action: str, username: str, number: str, **body):
        """One case action at its moment, through the registry and its schema like the API and pages."""
        with self.at(ago, minute):
            return dispatch(action, _user(username), number, body)

    def step(self, ago: int, minute: int, service, *args, **kwargs):
        """Any other service (handovers …) at its moment."""
        with self.at(ago, minute):
            return service(*args, **kwargs)


def load() -> None:
    if IdempotencyKey.objects.filter(key=KEY.format(1)).exists():
        return
    d = Demo()
    clerk, minzheng = "famen_clerk", "famen_minzheng"

    def accepted(code, ago, **kw):
        case = d.receive(code, ago, **kw)
        return d.act(ago, 20, "accept", clerk, case.number)

    # Green: accepted two working days ago, ten to go.
    accepted(PROMISED, 2)
    # Yellow: the deadline is one working day away.
    accepted(PROMISED, 9)
    # Red: 临时救助, 10 working days, accepted 12 working days ago.
    accepted(RELIEF, 12)
    # Art. 32: received seven working days ago and nobody told the applicant what to supplement.
    d.receive(PROMISED, 7)
    # Today's intake, waiting for a decision.
    d.receive(DIBAO, 0, channel="phone")
    # Waiting for supplement since yesterday.
    case = d.receive(PROMISED, 1, missing=("户口簿",))
    hukou = case.materials.get(material__name="户口簿").material_id
    d.act(1, 25, "request_supplement", clerk, case.number, missing=[
        {"material": hukou, "reason": "未提交户口簿，请携带户口簿原件及复印件"},
    ])  # fmt: skip
    # Instant item done on the spot, to deliver.
    case = accepted(INSTANT, 0)
    d.act(0, 25, "complete", clerk, case.number, outcome="approved", result="已出具居住证明")
    # Joint: 民政 signed, 人社 still to sign.
    case = accepted(JOINT, 3)
    d.act(2, 40, "approve", minzheng, case.number)
    # Escalated: 民政所 reviewed and sent it to 扶风县民政局.
    case = accepted(ESCALATED, 4)
    d.act(
        3,
        50,
        "escalate",
        minzheng,
        case.number,
        opinion="经入户调查核实，符合特困人员认定条件，拟同意",
    )
    # An extension request waiting for the director.
    case = accepted(DIBAO, 15)
    d.act(
        1,
        45,
        "request_extension",
        minzheng,
        case.number,
        days=10,
        reason="需对共同生活家庭成员收入入户核查",
    )
    # Suspended for publicity (公示).
    case = accepted(PROMISED, 5)
    d.act(2, 30, "suspend", minzheng, case.number, kind="publicity", reason="在村务公开栏公示7天",
          expected_end=clock.today() + dt.timedelta(days=10))  # fmt: skip
    # Refused at the window.
    case = d.receive(PROMISED, 6)
    d.act(6, 30, "refuse", clerk, case.number, reason="申请人未满80周岁，不符合高龄津贴申请条件")
    # Completed and delivered.
    case = accepted(PROMISED, 8)
    d.act(3, 10, "complete", minzheng, case.number, outcome="approved", result="自下月起按月发放")
    d.act(2, 15, "deliver", clerk, case.number, method="window")
    # 天度镇: one accepted, one waiting.
    tiandu = "tiandu_clerk"
    case = d.receive(f"MZ05004-{TIANDU}", 3, clerk="tiandu_clerk")
    d.act(3, 20, "accept", tiandu, case.number)
    d.receive(f"MZ05003-{TIANDU}", 0, clerk="tiandu_clerk")
