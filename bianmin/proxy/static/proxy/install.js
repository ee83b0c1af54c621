// On the agent's home page: install the offline app's service worker, so the app (/proxy/app/) and
// these pages open with no signal later. It caches only our own static files and the app shell.
(function () {
  var script = document.currentScript;
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/proxy/" }).catch(function () {});
  }
})();
