// 大字模式 (适老化): flip the large-text class at once and remember it in a cookie the server reads, so
// the next page is rendered large from its first byte. Without this script the button's form does it.
(function () {
  "use strict";
  var COOKIE = "bianmin_large_text";

  function remember(on) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = on
      ? COOKIE + "=1; Max-Age=31536000; Path=/; SameSite=Lax" + secure
      : COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax" + secure;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-large-text-toggle]");
    if (!button) return;
    event.preventDefault();
    var on = !document.documentElement.classList.contains("large-text");
    document.documentElement.classList.toggle("large-text", on);
    remember(on);
    document.querySelectorAll("[data-large-text-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
})();
