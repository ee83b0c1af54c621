"""Reading and adding to a case outside the table: the recorded reveal of personal data, and scans."""

import hashlib
import secrets

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
    if upload.size > MAX_SCAN_BYTES:
        raise TooLarge("文件超过 20 MB", fields={"file": "文件不能超过 20 MB"})
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise TooLarge("文件超过 20 MB", fields={"file": "文件不能超过 20 MB"})
    content_type = sniff(data[:16])
    if content_type is None:
        raise Invalid("只接受 JPEG、PNG 图片或 PDF", fields={"file": "文件内容不是 JPEG、PNG 或 PDF"})
    row = None
    if material is not None:
        row = case.materials.filter(material_id=material).first()
        if row is None:
            raise Invalid("不是本事项的材料", fields={"material": "不是本事项的材料"})
    attachment = Attachment(
        case=case,
        case_material=row,
        token=secrets.token_hex(16),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(getattr(upload, "name", "") or "")[:200],
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    attachment.file.save(f"{attachment.token}{attachment.extension}", ContentFile(data), save=False)
    attachment.save()
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
