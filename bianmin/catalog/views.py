"""Public catalog pages (no login): the county and township catalogs and each item's 办事指南."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from bianmin.catalog import selectors
from bianmin.catalog.models import Item
from bianmin.catalog.search import normalise_query
from bianmin.regions.models import Center, Level, Region

# The life events (人生事件) citizens browse by, in the order a guide board lists them.
LIFE_EVENTS = [
    "生育",
    "户籍",
    "婚姻",
    "就业",
    "养老",
    "医疗",
    "救助",
    "残疾",
    "土地建房",
    "农业生产",
    "退役军人",
    "法律服务",
]
PAGE_SIZE = 30


def catalog_home(request):
    county = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    if county is None:
        raise Http404
    return _catalog(request, county)


def catalog_region(request, code: str):
    region = get_object_or_404(Region.objects.select_related("parent"), code=code[:12])
    if region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise Http404
    return _catalog(request, region)


def _standard_rows(items, page_number):
    """The county list: one row per standard item (shared basic code), with every body that implements it.

    Paginates the distinct basic codes (a COUNT and a slice), then reads only that page's implementations
    (one query plus the joint-department prefetch), so the query count does not grow with the catalog.
    """
    codes = items.order_by("basic_code").values_list("basic_code", flat=True).distinct()
    page = Paginator(codes, PAGE_SIZE).get_page(page_number)
    by_code: dict[str, list[Item]] = {code: [] for code in page.object_list}
    for item in items.filter(basic_code__in=list(by_code)):
        by_code[item.basic_code].append(item)
    rows = []
    for code, implementations in by_code.items():
        implementations.sort(key=lambda i: (i.region_id, i.code))
        limits = sorted({i.promised_limit_days for i in implementations})
        rows.append(
            {
                "basic_code": code,
                "item": implementations[0],  # the county's own row sorts first when there is one
                "implementations": implementations,
                "min_days": limits[0],
                "max_days": limits[-1],
            }
        )
    page.object_list = rows
    return page


def _catalog(request, region: Region):
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("dept", "")[:20]
    event = request.GET.get("event", "")[:20]
    items = selectors.published_items(region, q, kind=kind or None, life_event=event or None)
    if region.level == Level.COUNTY:
        page = _standard_rows(items, request.GET.get("page"))
    else:
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = list(
        Item.objects.published()
        .in_region(region)
        .order_by("lead_department__kind")
        .values_list("lead_department__kind", flat=True)
        .distinct()
    )
    county = region if region.level == Level.COUNTY else region.parent
    townships = list(Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
    center = Center.objects.filter(region=region).order_by("code").first()
    return render(
        request,
        "catalog/list.html",
        {
            "region": region,
            "county": county,
            "center": center,
            "townships": townships,
            "page": page,
            "kinds": [k for k in kinds if k],
            "life_events": LIFE_EVENTS,
            "q": q,
            "searched": normalise_query(q),
            "kind": kind,
            "event": event,
        },
    )


def guide(request, code: str):
    return _guide(request, code, "catalog/guide.html")


def guide_print(request, code: str):
    return _guide(request, code, "catalog/guide_print.html")


def _guide(request, code: str, template: str):
    item = selectors.published_item(code)
    if item is None:
        raise Http404("未找到该事项")
    return render(request, template, {"item": item, "materials": list(item.materials.all())})
