"""Catalog management pages (事项清单管理) for administrators: edit drafts, version, publish, import/export.

Every write goes through bianmin.catalog.services; these views only translate forms and messages. What a
service refuses beyond the form (not found, forbidden) becomes an error page in bianmin.core.middleware.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.scope import scope_of
from bianmin.catalog import services
from bianmin.catalog.forms import ImportForm, ItemForm, MaterialFormSet, QuestionFormSet, rows_of
from bianmin.catalog.models import Item, ItemStatus
from bianmin.catalog.selectors import search
from bianmin.catalog.workbook import export_catalog, import_catalog
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS
from bianmin.regions.models import Level, Region


@admin_required
def item_list(request):
    items = Item.objects.select_related("region", "lead_department").order_by("region_id", "code", "-version")
    status = request.GET.get("status", "")
    region_code = request.GET.get("region", "")[:12]
    q = request.GET.get("q", "")[:200]
    if status in ItemStatus.values:
        items = items.filter(status=status)
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        items = items.in_region(region) if region else items.none()
    items = search(items, q)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    regions = Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")
    return render(
        request,
        "catalog/manage/list.html",
        {
            "page": page,
            "statuses": ItemStatus.choices,
            "status": status,
            "regions": regions,
            "region_code": region_code,
            "q": q,
        },
    )


def _save(request, item: Item | None):
    form = ItemForm(request.POST or None, instance=item)
    prefix_m, prefix_q = "materials", "questions"
    if request.method == "POST":
        materials = MaterialFormSet(request.POST, prefix=prefix_m)
        questions = QuestionFormSet(request.POST, prefix=prefix_q)
        if form.is_valid() and materials.is_valid() and questions.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "joint_departments"}
            joints = list(form.cleaned_data["joint_departments"])
            try:
                if item is None:
                    item = services.create_item(
                        request.user,
                        data,
                        joint_departments=joints,
                        materials=rows_of(materials),
                        questions=rows_of(questions),
                    )
                    messages.success(request, "已创建草稿。")
                else:
                    data.pop("code", None)
                    services.update_item(
                        request.user,
                        item,
                        data,
                        joint_departments=joints,
                        materials=rows_of(materials),
                        questions=rows_of(questions),
                    )
                    messages.success(request, "草稿已保存。")
                return redirect("catalog_manage:detail", pk=item.pk)
            except PAGE_ERRORS as e:
                for name, error in e.fields.items():
                    form.add_error(name if name in form.fields else None, error)
                if not e.fields:
                    form.add_error(None, e.message)
    else:
        initial_m = (
            [{k: getattr(m, k) for k in services.MATERIAL_FIELDS} for m in item.materials.all()]
            if item
            else []
        )
        initial_q = (
            [
                {**{k: getattr(f, k) for k in services.QUESTION_FIELDS}, "choices": "；".join(f.choices)}
                for f in item.fields.all()
            ]
            if item
            else []
        )
        materials = MaterialFormSet(prefix=prefix_m, initial=initial_m)
        questions = QuestionFormSet(prefix=prefix_q, initial=initial_q)
    return render(
        request,
        "catalog/manage/edit.html",
        {"form": form, "materials": materials, "questions": questions, "item": item},
    )


@admin_required
def item_create(request):
    return _save(request, None)


@admin_required
def item_detail(request, pk: int):
    item = get_object_or_404(Item.objects.select_related("region", "lead_department", "escalate_to"), pk=pk)
    if item.status == ItemStatus.DRAFT:
        return _save(request, item)
    versions = Item.objects.filter(code=item.code).order_by("-version")
    return render(
        request,
        "catalog/manage/detail.html",
        {"item": item, "versions": versions, "materials": item.materials.all()},
    )


def _act(request, pk, action, done):
    item = get_object_or_404(Item, pk=pk)
    try:
        result = action(request.user, item)
    except PAGE_ERRORS as e:
        for error in e.fields.values() or [e.message]:
            messages.error(request, error)
        return redirect("catalog_manage:detail", pk=item.pk)
    messages.success(request, done)
    return redirect("catalog_manage:detail", pk=result.pk)


@require_POST
@admin_required
def item_publish(request, pk: int):
    return _act(request, pk, services.publish_item, "已发布；原已发布版本已标记为“已被新版本替代”。")


@require_POST
@admin_required
def item_withdraw(request, pk: int):
    return _act(request, pk, services.withdraw_item, "已撤销该事项。")


@require_POST
@admin_required
def item_new_version(request, pk: int):
    return _act(request, pk, services.new_version, "已复制为新版本草稿，修改后请发布。")


@admin_required
def catalog_export(request):
    response = HttpResponse(
        export_catalog(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = clock.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="catalog-{stamp}.xlsx"'
    return response


@admin_required
def catalog_import(request):
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = import_catalog(request.user, form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request,
                f"导入成功：事项 {report.items} 项，材料 {report.materials} 条，表单字段 {report.fields} 个。",
            )
            return redirect("catalog_manage:list")
    status = 422 if report and not report.ok else 200
    return render(request, "catalog/manage/import.html", {"form": form, "report": report}, status=status)


def _delegations(request):
    # A supervisor watches the counties of their own subtree, an administrator every county.
    counties = scope_of(request.user).regions().filter(level=Level.COUNTY).order_by("code")
    county = counties.filter(code=request.GET.get("county", "")[:12]).first() or counties.first()
    rates = services.take_on_rates(county) if county else []
    delegated = (
        county.delegations.select_related("department").annotate(n=Count("take_ons")).order_by("basic_code")
        if county
        else []
    )
    return render(
        request, "catalog/manage/delegations.html", {"county": county, "rates": rates, "delegated": delegated}
    )


# County supervisors watch the take-on rate too; only administrators change the catalog.
delegations = admin_required(_delegations, roles=("supervisor",))
