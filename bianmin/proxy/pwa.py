"""The agent's installable offline app (PWA): the app shell, its service worker and its manifest.

The shell is the same for everyone and holds no data: the agent's cases, handovers, items and duty days
come from the changes feed (GET /api/v1/proxy/changes) into IndexedDB on the phone, in a database named
after the signed-in agent. The service worker caches only the shell and our own static files — never an
API answer — so CacheStorage holds nothing of any village. Its scope is /proxy/: offline, any agent
page opens the shell, which works from what the phone holds."""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# Our own files the shell needs, cached at install (no CDN: everything is served by us).
SHELL_STATIC = [
    "css/bianmin.css",
    "proxy/proxy.css",
    "proxy/app.css",
    "proxy/app.js",
    "proxy/icon-192.png",
    "proxy/icon-512.png",
    "favicon.ico",
]


def _shell_version() -> str:
    """Changes whenever a cached file does, so the new worker replaces the old cache."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    digest.update(render_to_string("proxy/app.html").encode())
    return digest.hexdigest()[:12]


@require_GET
def app_shell(request):
    """离线代办: the shell page. No login required to load it (it holds nothing); the data needs one."""
    response = HttpResponse(render_to_string("proxy/app.html", request=None))
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    shell = [reverse("proxy:app"), reverse("proxy:manifest"), *[static(name) for name in SHELL_STATIC]]
    body = render_to_string("proxy/sw.js", {"version": _shell_version(), "shell": json.dumps(shell)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/proxy/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": "便民服务 · 村级代办",
        "short_name": "村级代办",
        "description": "代办员离线登记、交接与送达，有信号时自动同步",
        "lang": "zh-Hans",
        "start_url": reverse("proxy:app"),
        "scope": "/proxy/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5fa8",
        "icons": [
            {"src": static("proxy/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("proxy/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
