// The village agent's service worker: the app shell and our own static files come from the phone's
// cache first (so the app opens with no signal, fast), and are refreshed in the background. It never
// caches an API answer or another page: the agent's data lives in IndexedDB, per agent (app.js).
"use strict";
var VERSION = "{{ version }}";
var SHELL_CACHE = "bianmin-proxy-shell-" + VERSION;
var SHELL = {{ shell|safe }};
var APP = SHELL[0];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("bianmin-proxy-") === 0 && n !== SHELL_CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromShell(request, key) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(key || request, { ignoreSearch: !!key }).then(function (hit) {
      var refresh = fetch(request).then(function (response) {
        if (response.ok && !response.redirected) cache.put(key || request, response.clone());
        return response;
      });
      if (hit) {
        refresh.catch(function () { /* offline: the cached copy stands */ });
        return hit;
      }
      return refresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (SHELL.indexOf(path) >= 0 && path !== APP) {
    event.respondWith(fromShell(request));
    return;
  }
  if (request.mode === "navigate" && path === APP) {
    event.respondWith(fromShell(request, APP));
    return;
  }
  if (request.mode === "navigate" && path.indexOf("/proxy/") === 0) {
    // Any other agent page: the network when there is one; with no signal, the app from the cache.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(APP); });
    }));
  }
  // Everything else (the API above all) goes to the network untouched and is never cached here.
});
