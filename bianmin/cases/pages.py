"""Staff pages for cases: intake at the window (一窗受理), the work queues, the case page and its actions.

Views stay thin: validate with a form, call one service, render. Every read goes through the scoped
selectors; what a form shows (422 on the field, 409/403 banner on the case page) is caught here, and a
NotFound falls through to core.middleware's 404 page — never a 500.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.accounts.models import Role
from bianmin.accounts.scope import scope_of
from bianmin.cases import custody, queues, services
from bianmin.cases.actions import REGISTRY, available_actions, dispatch, event_label
from bianmin.cases.clock import overdue_receipt, time_left_words, warning_of
from bianmin.cases.documents import KINDS
from bianmin.cases.forms import IntakeForm, SearchForm, form_for
from bianmin.cases.models import ApplicantKind, Channel, State
from bianmin.cases.selectors import (
    case_for,
    cases_visible_to,
    filter_cases,
    latest_documents,
    with_details,
)
from bianmin.cases.validators import birth_and_sex, mask_id_number, mask_phone
from bianmin.catalog import selectors as catalog
from bianmin.catalog.models import CaseClass
from bianmin.core import clock
from bianmin.core.errors import ApiError, Conflict, Forbidden, Invalid
from bianmin.regions.models import Center

STALE = "办件已被他人更新，请刷新后重试"
PAGE_SIZE = 20
OPEN_FOR_DECISION = (State.RECEIVED, State.SUPPLEMENT_REQUESTED)
ROLE_LABELS = {**dict(Role.choices), "applicant": "申请人"}


def _problem(exc: ApiError) -> str:
    return STALE if exc.code == "stale_version" else exc.message


# --- intake ----------------------------------------------------------------------------------------


def _intake_center(request) -> Center:
    """The center this clerk (or director) takes applications for; others may not use the window."""
    scope = scope_of(request.user)
    if not scope.has_role(Role.CLERK, Role.DIRECTOR) or not scope.center_ids:
        raise Http404
    return Center.objects.select_related("region").filter(pk__in=scope.center_ids).order_by("code").first()


@login_required
def intake_items(request):
    """htmx live search: the center's published items matching a name, code or pinyin initials."""
    center = _intake_center(request)
    q = request.GET.get("q", "")[:60]
    return render(
        request,
        "cases/partials/item_results.html",
        {"items": catalog.intake_choices(center.region, q), "q": q},
    )


def id_facts(user, center, id_number: str, name: str) -> dict:
    """出生日期 and 性别 from the ID number, and the other names it came under at this center (a warning)."""
    id_number, name = (id_number or "").strip().upper()[:18], (name or "").strip()[:100]
    birth, sex = birth_and_sex(id_number)
    others = []
    if birth is not None:
        others = list(
            cases_visible_to(user)
            .filter(center=center, applicant_id_tail=id_number[-4:], applicant_id_number=id_number)
            .exclude(applicant_name=name)
            .values_list("applicant_name", flat=True)
            .distinct()[:3]
        )
    return {"birth_date": birth, "sex": sex, "other_names": others if name else []}


@login_required
def intake_id_check(request):
    """htmx on the intake form's ID field: warn (never block) when the ID came here under another name."""
    center = _intake_center(request)
    facts = id_facts(request.user, center, request.GET.get("id_number", ""), request.GET.get("name", ""))
    return render(request, "cases/partials/id_check.html", {"id_facts": facts})


@login_required
def intake(request):
    center = _intake_center(request)
    code = request.GET.get("item", "")[:40]
    q = request.GET.get("q", "")[:60]
    item = catalog.published_item(code) if code else None
    if item is None or not center.region_id.startswith(item.region.prefix):
        context = {
            "center": center,
            "q": q,
            "items": catalog.intake_choices(center.region, q),
            "popular": queues.popular_items(center, clock.today()) if not q else [],
        }
        return render(request, "cases/intake.html", context)
    form = IntakeForm(item, request.POST or None, request.FILES or None)
    status, problem = 200, None
    if request.method == "POST":
        decision = request.POST.get("decision", "register")
        if form.is_valid():
            kwargs = form.decision_kwargs(decision)
            try:
                case, _ = services.intake_case(
                    request.user, **form.receive_kwargs(), scans=form.scans(), **kwargs
                )
            except Invalid as exc:
                form.add_service_errors(exc, missing=kwargs["missing"])
                status = exc.status
            except ApiError as exc:
                problem, status = _problem(exc), exc.status
            else:
                facts = id_facts(request.user, center, case.applicant_id_number, case.applicant_name)
                if facts["other_names"]:
                    names = "、".join(facts["other_names"])
                    messages.warning(request, f"注意：该身份证号在本中心曾以“{names}”的姓名办件，请核对。")
                if decision == "accept_complete":
                    messages.success(request, f"已受理并办结：{case.number}")
                    return _to_case(case.number, "completion_notice")
                declared = REGISTRY.get(decision)
                messages.success(request, f"已{declared.label if declared else '收件'}：{case.number}")
                return _to_case(case.number, declared and declared.document)
        else:
            status = 422
    facts = (
        id_facts(request.user, center, form.data.get("id_number", ""), form.data.get("name", ""))
        if form.is_bound
        else {}
    )
    context = {"center": center, "item": item, "form": form, "problem": problem, "id_facts": facts}
    return render(request, "cases/intake.html", context, status=status)


def _to_case(number: str, issued: str | None = None):
    url = reverse("cases:case", args=[number])
    return redirect(f"{url}?issued={issued}" if issued else url)


# --- queues ----------------------------------------------------------------------------------------


@login_required
def queue(request, key: str):
    mine = queues.queues_for(request.user)
    found = queues.BY_KEY.get(key)
    if found is None or found not in mine:
        raise Http404
    ctx = queues.context(request.user)
    cases = queues.queue_cases(request.user, found, ctx)
    filters = {k: request.GET.get(k, "")[:40].strip() for k in ("q", "state", "case_class", "warning")}
    cases = filter_cases(
        cases,
        today=ctx.today,
        calendar=ctx.calendar,
        q=filters["q"],
        state=filters["state"] if filters["state"] in State.values and found.all_states else None,
        case_class=filters["case_class"] if filters["case_class"] in CaseClass.values else None,
        warning=filters["warning"] if filters["warning"] in ("green", "yellow", "red", "none") else None,
    )
    page = Paginator(queues.with_row_details(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    queues.load_row_lists(found, list(page))
    rows = [
        {
            "case": case,
            "light": warning_of(case, ctx.today, ctx.calendar).color,
            "overdue_receipt": overdue_receipt(case, ctx.today, ctx.calendar),
            "extension_request": (getattr(case, "extension_requests", None) or [None])[0],
            "time_left": time_left_words(case, ctx.today, ctx.calendar),
        }
        for case in page
    ]
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "cases/queue.html",
        {
            "queue": found,
            "queues": mine,
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": query,
            "states": State.choices,
            "classes": CaseClass.choices,
        },
    )


# --- the center-wide search -----------------------------------------------------------------------


@login_required
def search(request):
    """办件查询: every case the caller may see (cases_visible_to), found by applicant, tails, item, dates."""
    if not scope_of(request.user).is_staff_member:
        raise Http404
    form = SearchForm(request.GET or None)
    page, rows, query = None, [], ""
    if form.is_bound and form.is_valid() and (filters := form.filters()):
        ctx = queues.context(request.user)
        cases = filter_cases(
            cases_visible_to(request.user), today=ctx.today, calendar=ctx.calendar, **filters
        ).order_by("-received_at", "-id")
        page = Paginator(with_details(cases), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            {
                "case": case,
                "light": warning_of(case, ctx.today, ctx.calendar).color,
                "id_number": mask_id_number(case.applicant_id_number) or case.applicant_credit_code,
                "phone": mask_phone(case.applicant_phone),
            }
            for case in page
        ]
        query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "cases/search.html", {"form": form, "page": page, "rows": rows, "query": query})


# --- the case page ---------------------------------------------------------------------------------


def _case_or_404(request, number: str):
    case = case_for(request.user, number[:40])
    if case is None:
        raise Http404
    return case


def case_messages(case) -> list:
    """The case's texts (state and time; not the text: a mandate code is for the villager's ears only)."""
    from bianmin.messaging.templates import SHIPPED

    rows = list(case.messages.only("template", "state", "reason", "created_at").order_by("created_at", "id"))
    for row in rows:
        row.label = SHIPPED[row.template][0] if row.template in SHIPPED else row.template
    return rows


def _case_context(request, case, *, bound=None, revealed=None, problem=None) -> dict:
    ctx = queues.context(request.user)
    actions = available_actions(request.user, case)
    if "extend" in actions:
        case.pending_request = services.pending_extension_request(case)
    forms = []
    for action in actions:
        form = bound if bound is not None and bound.action == action else form_for(action, case)
        declared = REGISTRY[action]
        forms.append(
            {
                "action": action,
                "label": declared.label,
                "form": form,
                "danger": declared.irreversible,
                "open": form is bound,
            }
        )
    files: dict[int | None, list] = {}
    for attachment in case.attachments.all():
        files.setdefault(attachment.case_material_id, []).append(attachment)
    latest = {document.kind: document for document in latest_documents(case)}
    issued = request.GET.get("issued", "")
    events = list(case.events.all())
    return {
        "case": case,
        "applicant": _applicant(case, revealed),
        "revealed": revealed is not None,
        "light": warning_of(case, ctx.today, ctx.calendar).color,
        "overdue_receipt": overdue_receipt(case, ctx.today, ctx.calendar),
        "materials": [(row, files.get(row.pk, [])) for row in case.materials.all()],
        "loose_files": files.get(None, []),
        "answers": _answers(case),
        "documents": list(latest.values()),
        "issued": latest.get(issued) if issued in KINDS else None,
        "actions": forms,
        "sent_back": _sent_back(case, events),
        "events": [(e, event_label(e), ROLE_LABELS.get(e.role, "")) for e in events],
        **_proxy_context(case, events),
        "case_messages": case_messages(case),
        "problem": problem,
    }


def _sent_back(case, events):
    """The county's send-back the township has not answered yet (no escalation since), else None."""
    if case.state != State.ACCEPTED:
        return None
    steps = [e for e in events if e.action in ("send_back", "escalate")]
    last = max(steps, key=lambda e: (e.at, e.pk), default=None)
    return last if last is not None and last.action == "send_back" else None


def _proxy_context(case, events) -> dict:
    """For a village proxy case: where its papers are, who held them, and whether the township has them."""
    if case.channel != Channel.PROXY:
        return {}
    return {
        "custody": custody.custody_of(case),
        "holders": custody.holders(case, events),
        "papers_away": not custody.papers_at_township(case) and case.state in OPEN_FOR_DECISION,
    }


def _applicant(case, revealed: dict | None) -> dict:
    person = case.applicant_kind == ApplicantKind.PERSON
    birth, sex = birth_and_sex(case.applicant_id_number) if person else (None, "")
    return {
        # The birth date is the masked middle of the ID number: shown only with the recorded reveal.
        "birth_date": birth if revealed else None,
        "sex": sex,
        "person": person,
        "name": case.applicant_name,
        "id_number": (revealed or {}).get("id_number") or mask_id_number(case.applicant_id_number),
        "credit_code": case.applicant_credit_code,
        "contact_name": case.applicant_contact_name,
        "phone": (revealed or {}).get("phone") or mask_phone(case.applicant_phone),
        "address": case.applicant_address,
    }


def _answers(case) -> list[tuple[str, str]]:
    labels = {f.code: f.label for f in case.item.fields.all()}
    out = []
    for code, value in (case.answers or {}).items():
        shown = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        out.append((labels.get(code, code), shown))
    return out


@login_required
def case_page(request, number: str):
    case = _case_or_404(request, number)
    return render(request, "cases/case.html", _case_context(request, case))


def _act_with_uploads(user, case, action: str, form) -> None:
    """Dispatch the page's action; a form with files (the written withdrawal request) stores them first,
    in the same transaction, and removes the stored file again when the action is refused."""
    try:
        with transaction.atomic():
            extra = form.uploads(user, case.number) if hasattr(form, "uploads") else {}
            body = {"version": form.cleaned_data.get("version"), **form.kwargs(), **extra}
            dispatch(action, user, case.number, body)
    except ApiError:
        stored = getattr(form, "stored", None)
        if stored is not None:
            stored.file.delete(save=False)
        raise


@login_required
@require_POST
def case_action(request, number: str, action: str):
    declared = REGISTRY.get(action)
    if declared is None:
        raise Http404
    case = _case_or_404(request, number)
    form = form_for(action, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            _act_with_uploads(request.user, case, action, form)
        except Invalid as exc:
            form.add_service_errors(exc)
            status, problem = exc.status, None
        except (Conflict, Forbidden) as exc:
            # Stale version, wrong state, not yours: nothing changed; show the page as it is now.
            fresh = _case_or_404(request, number)
            context = _case_context(request, fresh, problem=_problem(exc))
            return render(request, "cases/case.html", context, status=exc.status)
        else:
            if action == "accept" and form.kwargs().get("complete"):
                messages.success(request, "已受理并办结")
                return _to_case(case.number, "completion_notice")
            messages.success(request, f"已{declared.label}")
            return _to_case(case.number, declared.document)
    else:
        status, problem = 422, None
    return render(
        request, "cases/case.html", _case_context(request, case, bound=form, problem=problem), status=status
    )


@login_required
@require_POST
def reveal(request, number: str):
    """查看完整号码: the service records the reading on the timeline; htmx swaps the applicant block."""
    revealed = services.reveal_applicant(request.user, number[:40])  # not visible: the 404 page
    case = _case_or_404(request, number)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "cases/partials/applicant.html",
            {"case": case, "applicant": _applicant(case, revealed), "revealed": True},
        )
    return render(request, "cases/case.html", _case_context(request, case, revealed=revealed))


@login_required
def case_file(request, number: str, file_id: int):
    """A material's scan, only to someone who may see the case (404 otherwise, as for the case)."""
    attachment = services.scan_for(request.user, number[:40], file_id)  # not visible: the 404 page
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.token}{attachment.extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
