"""Demo proxy cases: 法门村's agent has one case still in the village, one on its way up, and one received
at the township and accepted — made through the real services, like the other demo cases.

Idempotent: each case carries its own Idempotency-Key ("demo-proxy-NN"); the loader stops when the first
exists.
"""

from bianmin.cases.demo import PROMISED, RELIEF, Demo, _user
from bianmin.cases.models import IdempotencyKey
from bianmin.proxy import services as proxy

KEY = "demo-proxy-{:02d}"
FIRST = 20  # names and ID numbers continue after the window's demo cases


def load() -> None:
    if IdempotencyKey.objects.filter(key=KEY.format(FIRST + 1)).exists():
        return
    d = Demo(key=KEY, first=FIRST)
    agent = _user("famen_agent")
    d.receive(PROMISED, 0, clerk="famen_agent", channel="proxy", home_visit=True)
    travelling = d.receive(RELIEF, 1, clerk="famen_agent", channel="proxy")
    d.step(0, 5, proxy.create_handover, agent, "up", [travelling.number])
    arrived = d.receive(PROMISED, 3, clerk="famen_agent", channel="proxy")
    handover = d.step(2, 10, proxy.create_handover, agent, "up", [arrived.number])
    d.step(2, 50, proxy.receive_handover, _user("famen_clerk"), handover.pk, received=[arrived.number])
    d.act(2, 55, "accept", "famen_clerk", arrived.number)
