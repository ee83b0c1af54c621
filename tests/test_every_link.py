"""Every same-site link a persona can reach from the workbench and the public home answers without a 4xx
or 5xx: `<a href>` and the actions of GET forms, breadth-first over the demo county with its cases.

Skipped on purpose: the admin site (Django's own), logging out, `?reveal` links (each is a recorded look at
personal data), and anything off-site. A link that would change state must not be a GET link at all, so
none is followed as one here either; the crawl stops at MAX_URLS per persona."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from bianmin.cases import demo as demo_cases
from bianmin.inquiries import demo as demo_inquiries
from bianmin.proxy import demo_cases as demo_proxy_cases
from bianmin.ratings import demo as demo_ratings

PASSWORD = "Demo@2026"
PERSONAS = [
    "admin", "fufeng_supervisor", "fufeng_approver", "famen_clerk", "tiandu_clerk", "famen_director",
    "famen_minzheng", "famen_renshe", "famen_agent", "tiandu_agent",
]  # fmt: skip
START = ["/workbench/", "/"]
MAX_URLS = 400
# A few URLs per route and query shape are enough to prove the route and its links: without this the
# published catalog alone (hundreds of item guides) would fill the bound before the deeper pages.
PER_SHAPE = 4
SKIP_PREFIXES = ("/admin/", "/accounts/logout")


class Links(HTMLParser):
    """The hrefs of <a> and the actions of GET forms on one page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
            # The form's own URL without the fields a person would fill in.
            self.found.append(urlsplit(attrs["action"])._replace(query="").geturl())


def _same_site(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    url = urlunsplit(("", "", parts.path, parts.query, ""))
    if url.startswith(SKIP_PREFIXES) or "logout" in url or "reveal" in parts.query:
        return None
    return url


def _shape(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return (url,)  # unresolvable: its own shape, fetched and reported
    return (route, tuple(sorted({kv.split("=")[0] for kv in parts.query.split("&") if kv})))


def crawl(client: Client) -> tuple[set[str], dict[str, tuple[int, str]]]:
    """Breadth-first from START; returns (URLs fetched, {url: (status, first page linking to it)})."""
    seen, failures, shapes = set(START), {}, {}
    queue = deque((url, "(start)") for url in START)
    fetched = set()
    while queue and len(fetched) < MAX_URLS:
        url, referrer = queue.popleft()
        response = client.get(url)
        fetched.add(url)
        if response.status_code >= 400:
            failures[url] = (response.status_code, referrer)
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(response.content.decode("utf-8", errors="replace"))
            targets = parser.found
        else:
            continue
        for href in targets:
            target = _same_site(url, href)
            if not target or target in seen:
                continue
            seen.add(target)
            shape = _shape(target)
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] <= PER_SHAPE:
                queue.append((target, url))
    return fetched, failures


@pytest.fixture
def demo_with_cases(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_cases.load()
    demo_proxy_cases.load()
    demo_ratings.load()
    demo_inquiries.load()


@pytest.mark.parametrize("username", PERSONAS)
def test_every_link_reachable_from_the_workbench_answers(demo_with_cases, username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    fetched, failures = crawl(client)
    print(f"{username}: {len(fetched)} URLs crawled")
    assert fetched >= {"/workbench/", "/"}
    assert not failures, f"{username}: {len(failures)} broken of {len(fetched)}:\n" + "\n".join(
        f"  {status} {url}  (linked from {referrer})" for url, (status, referrer) in sorted(failures.items())
    )


def test_every_link_on_the_public_pages_answers(demo_with_cases):
    fetched, failures = crawl(Client())
    print(f"anonymous: {len(fetched)} URLs crawled")
    assert not failures, "\n".join(f"  {s} {u}  (linked from {r})" for u, (s, r) in sorted(failures.items()))


def test_the_favicon_is_served_at_the_root(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
