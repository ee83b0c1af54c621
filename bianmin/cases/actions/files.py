"""Reading and adding to a case outside the table: the recorded reveal of personal data, and scans."""

import base64
import binascii
import hashlib
import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from bianmin.accounts.scope import scope_of
from bianmin.cases import hooks
from bianmin.cases.actions.base import any_role, lock, may_act_as, record_event, ref_number
from bianmin.cases.lifecycle import AGENT, APPLICANT, CLERK, DIRECTOR
from bianmin.cases.models import Attachment, Case
from bianmin.cases.selectors import cases_visible_to
from bianmin.core import clock
from bianmin.core.errors import Forbidden, Invalid, NotFound, TooLarge

MAX_SCAN_BYTES = 20 * 1024 * 1024
MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def sniff(head: bytes) -> str | None:
    """The file's kind by its first bytes (never by its name or the browser's word)."""
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


@dataclass(frozen=True)
class UploadRule:
    """What an upload may be: kinds by content, a size limit, and whether images must really decode.

    The one check behind every upload — the API's scans and photos and the pages' file fields."""

    kinds: tuple[str, ...]
    max_bytes: int
    too_large: str
    wrong_kind: str
    decode: bool = False

    def problem(self, data: bytes) -> tuple[str | None, str | None]:
        """(content type, None) when `data` passes, else (None, why)."""
        if len(data) > self.max_bytes:
            return None, self.too_large
        kind = sniff(data[:16])
        if kind not in self.kinds:
            return None, self.wrong_kind
        if self.decode and kind.startswith("image/"):
            try:
                from PIL import Image

                Image.open(io.BytesIO(data)).verify()
            except Exception:  # noqa: BLE001 - any decoder failure means "not a usable image"
                return None, "图片已损坏，无法识别"
        return kind, None

    def read(self, upload) -> tuple[bytes, str]:
        """The upload's bytes and kind; 413 when too large, 422 on `file` otherwise (nothing stored)."""
        if upload.size > self.max_bytes:
            raise TooLarge(self.too_large, fields={"file": self.too_large})
        data = upload.read(self.max_bytes + 1)
        kind, why = self.problem(data)
        if why == self.too_large:
            raise TooLarge(why, fields={"file": why})
        if why:
            raise Invalid(why, fields={"file": why})
        return data, kind


SCAN = UploadRule(
    ("image/jpeg", "image/png", "application/pdf"),
    MAX_SCAN_BYTES,
    "文件不能超过 20 MB",
    "文件内容不是 JPEG、PNG 图片或 PDF",
)
PHOTO = UploadRule(
    ("image/jpeg", "image/png"), 5 * 1024 * 1024, "照片不能超过 5 MB", "不是 JPEG 或 PNG 照片", decode=True
)


def _published(action: str, case: Case, user, role: str, event, data: dict) -> None:
    acted = hooks.Acted(action, case, user, role, event, data)
    hooks.publish(hooks.IN_TRANSACTION, acted)
    hooks.publish(hooks.AFTER_COMMIT, acted)


@transaction.atomic
def reveal_applicant(user, ref) -> dict:
    """The unmasked ID number and phone; the reading itself goes on the timeline."""
    case = cases_visible_to(user).filter(number=ref_number(ref)[:40]).first()
    if case is None:
        raise NotFound("未找到该办件")
    role = any_role(scope_of(user), case, user)
    event = record_event(case, user, role, "reveal", case.state, case.state)
    _published("reveal", case, user, role, event, {})
    return {
        "id_number": case.applicant_id_number,
        "phone": case.applicant_phone,
        "credit_code": case.applicant_credit_code,
    }


def store_file(case: Case, user, data: bytes, content_type: str, name: str = "", row=None) -> Attachment:
    """Keep checked bytes as one of the case's files (outside public media), named by a random token."""
    attachment = Attachment(
        case=case,
        case_material=row,
        token=secrets.token_hex(16),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(name or "")[:200],
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    attachment.file.save(f"{attachment.token}{attachment.extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


MAX_SIGNATURE_BYTES = 300 * 1024


def signature_png(value, field: str = "signature") -> bytes:
    """A PNG from a signature pad, as a data URI (or bare base64); anything else is a 422 on `field`."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if header != "data:image/png;base64":
            raise Invalid("签名应为 PNG 图片", fields={field: "签名应为 PNG 图片"})
    try:
        data = base64.b64decode(text, validate=True) if text else b""
    except (binascii.Error, ValueError):
        raise Invalid("签名数据无效", fields={field: "签名数据无效"}) from None
    if not data:
        raise Invalid("请签名", fields={field: "请签名"})
    if len(data) > MAX_SIGNATURE_BYTES:
        raise Invalid("签名图片过大", fields={field: "签名图片不超过 300 KB"})
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise Invalid("签名应为 PNG 图片", fields={field: "签名应为 PNG 图片"})
    return data


@transaction.atomic
def attach_scan(user, ref, upload, *, material: int | None = None) -> Attachment:
    """A scan of a material (JPEG, PNG or PDF by content, ≤ 20 MB), kept outside public media."""
    case = lock(user, ref, for_answer=False)
    scope = scope_of(user)
    may = scope.is_admin or any(
        may_act_as(r, scope, user, case, "upload") for r in (CLERK, DIRECTOR, AGENT, APPLICANT)
    )
    if not may:
        raise Forbidden("您无权为该办件上传扫描件")
    data, content_type = SCAN.read(upload)
    row = None
    if material is not None:
        row = case.materials.filter(material_id=material).first()
        if row is None:
            raise Invalid("不是本事项的材料", fields={"material": "不是本事项的材料"})
    attachment = store_file(case, user, data, content_type, getattr(upload, "name", ""), row)
    role = any_role(scope, case, user)
    details = {"attachment": attachment.pk, "material": material, "content_type": content_type}
    event = record_event(case, user, role, "upload", case.state, case.state, data=details)
    _published("upload", case, user, role, event, details)
    return attachment


def scan_for(user, ref, attachment_id: int) -> Attachment:
    case = cases_visible_to(user).filter(number=ref_number(ref)[:40]).first()
    attachment = case and case.attachments.filter(pk=attachment_id).first()
    if not attachment:
        raise NotFound("未找到该文件")
    return attachment
