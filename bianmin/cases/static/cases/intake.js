// Intake checklist: unticking a required material pre-fills its supplement reason (一次性告知),
// ticking it again clears a reason we filled in. The server applies the same default without script.
(function () {
  "use strict";
  var DEFAULT = "未提交该材料，请补交";
  function sync(item) {
    var box = item.querySelector(".got input[type=checkbox]");
    var reason = item.querySelector(".reason-input input");
    if (!box || !reason || item.getAttribute("data-required") !== "1") return;
    if (!box.checked && !reason.value) reason.value = DEFAULT;
    if (box.checked && reason.value === DEFAULT) reason.value = "";
  }
  document.addEventListener("change", function (event) {
    var item = event.target.closest && event.target.closest(".checklist .material");
    if (item && event.target.matches(".got input[type=checkbox]")) sync(item);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".checklist .material").forEach(sync);
  });
})();
