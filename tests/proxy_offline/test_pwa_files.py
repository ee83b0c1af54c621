"""The installable app's files: the shell holds nothing of anyone, the service worker caches only our own
static files and the shell (never the API), and the manifest makes it installable over /proxy/."""

import json
import re

from django.test import Client


def test_the_service_worker_covers_the_agent_pages_and_caches_no_api(db):
    r = Client().get("/proxy/sw.js")

    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/proxy/"
    assert r["Cache-Control"] == "no-cache"
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", r.content.decode()).group(1))
    assert shell[0] == "/proxy/app/"
    assert "/static/proxy/app.js" in shell
    assert not [url for url in shell if "/api/" in url or not url.startswith("/")]  # our own files only


def test_the_shell_is_the_same_for_everyone_and_names_no_one(demo, client):
    anonymous = Client().get("/proxy/app/").content
    client.login(username="famen_agent", password="Demo@2026")
    signed_in = client.get("/proxy/app/").content

    assert anonymous == signed_in
    assert "法门" not in signed_in.decode() and "famen" not in signed_in.decode()


def test_the_manifest_makes_the_app_installable_over_proxy(db):
    r = Client().get("/proxy/manifest.webmanifest")

    assert r.status_code == 200
    assert r["Content-Type"] == "application/manifest+json"
    manifest = r.json()
    assert manifest["start_url"] == "/proxy/app/" and manifest["scope"] == "/proxy/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}


def test_the_agent_home_offers_the_offline_app(demo, client):
    client.login(username="famen_agent", password="Demo@2026")

    page = client.get("/proxy/").content.decode()

    assert 'href="/proxy/app/"' in page
    assert 'rel="manifest"' in page
