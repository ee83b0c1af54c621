"""The case actions the ratings follow: an accept or a delivery at a window puts the case on that window's
pad; a delivery sends the SMS rating invitation (after commit: a failure never undoes the action)."""

import logging

from bianmin.cases import hooks

log = logging.getLogger(__name__)


@hooks.subscribe(hooks.AFTER_COMMIT, ["accept", "deliver"])
def prompt_the_pad(acted: hooks.Acted) -> None:
    from bianmin.ratings.services import prompt_pad

    stage = "intake" if acted.action == "accept" else "completion"
    try:
        prompt_pad(acted.actor, acted.case, stage)
    except Exception:  # noqa: BLE001 - the pad is a courtesy; the action stands
        log.exception("rating pad prompt failed for %s", acted.case.number)


@hooks.subscribe(hooks.AFTER_COMMIT, ["deliver"])
def invite_by_sms(acted: hooks.Acted) -> None:
    from bianmin.ratings.services import send_invitation

    try:
        send_invitation(acted.case)
    except Exception:  # noqa: BLE001
        log.exception("rating invitation failed for %s", acted.case.number)
