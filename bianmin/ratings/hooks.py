"""The case actions the ratings follow: an accept or a delivery at a window puts the case on that window's
pad; a delivery writes the SMS rating invitation.

Both write in the action's own transaction (a few rows on tables of their own): the invitation and its
message commit with the delivery or not at all, and the SMS itself leaves after commit through messaging's
outbox, so a gateway failure never undoes the action and a crash between commit and sending loses
nothing."""

from bianmin.cases import hooks


@hooks.subscribe(hooks.IN_TRANSACTION, ["accept", "deliver"])
def prompt_the_pad(acted: hooks.Acted) -> None:
    from bianmin.ratings.services import prompt_pad

    prompt_pad(acted.actor, acted.case, "intake" if acted.action == "accept" else "completion")


@hooks.subscribe(hooks.IN_TRANSACTION, ["deliver"])
def invite_by_sms(acted: hooks.Acted) -> None:
    from bianmin.ratings.services import send_invitation

    send_invitation(acted.case)
