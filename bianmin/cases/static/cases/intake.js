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

// 18-digit ID number → 出生日期 and 性别 next to the field, so the clerk does not ask again. The server
// derives the same (case page, case JSON); this only saves a round trip while typing.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  function facts(value) {
    var id = (value || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(id)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(id.charAt(i), 10) * WEIGHTS[i];
    if (CHECK.charAt(sum % 11) !== id.charAt(17)) return "身份证号校验位不正确";
    var y = +id.substr(6, 4), m = +id.substr(10, 2), d = +id.substr(12, 2);
    var date = new Date(y, m - 1, d);
    if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return "身份证号中的出生日期无效";
    return "出生日期 " + y + "年" + m + "月" + d + "日 · " + (parseInt(id.charAt(16), 10) % 2 ? "男" : "女");
  }
  function show(input) {
    var box = input.closest(".only-person");
    var out = box && box.querySelector("[data-id-derived]");
    if (!out) return;
    var text = facts(input.value);
    out.textContent = text || "";
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[name=id_number]")) show(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[name=id_number]").forEach(show);
  });
})();
