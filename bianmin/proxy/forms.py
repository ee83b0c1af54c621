"""The agent's registration form: the window's IntakeForm with the proxy channel alone, no decisions,
a home-visit mark and photos of the papers taken with the phone's camera."""

from django import forms

from bianmin.cases.actions.files import PHOTO
from bianmin.cases.forms import IntakeForm, MultipleFileInput, ScanField
from bianmin.cases.models import Channel


class PhotoField(ScanField):
    """Photos of one paper: the camera opens on a phone; photo.js shrinks them before the upload.

    Judged by content, not by name or browser-declared type: JPEG or PNG that decodes, ≤ 5 MB."""

    default_label = "照片"
    accept = "image/*"
    rule = PHOTO

    def __init__(self, **kwargs):
        attrs = {"accept": self.accept, "capture": "environment", "data-compress": ""}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(**kwargs)


class ProxyIntakeForm(IntakeForm):
    """代办登记: the same questions and checklist as the window, so the township receives what it expects.

    The agent only registers (the case stays "received" until the township has the papers), so there
    are no accept / supplement / refuse inputs; the channel is fixed to proxy."""

    scan_hint = "勾选已收到的材料，核对原件、复印件份数；可用手机拍照留底（照片在手机上压缩后上传，每张不超过 5 MB）。"
    scan_field = PhotoField

    home_visit = forms.BooleanField(
        label="上门受理",
        required=False,
        help_text="为行动不便的老年人、残疾人等上门登记时勾选",
    )

    def __init__(self, item, *args, **kwargs):
        kwargs.update(channels=(Channel.PROXY,), decisions=False)
        super().__init__(item, *args, **kwargs)

    def receive_kwargs(self) -> dict:
        # The mandate is recorded in the next step (signature or SMS code), which sets it on the case.
        home_visit = bool(self.cleaned_data.get("home_visit"))
        return {**super().receive_kwargs(), "proxy": {"home_visit": home_visit, "mandate": False}}
