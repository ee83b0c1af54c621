// Drafts kept on this phone (registrations not yet submitted, e.g. when the signal dropped): list them,
// each with a link back to its form; and forget a draft once the server has registered it.
// register.js stores them in localStorage "bianmin.proxy.drafts": [{key, item, item_name, applicant,
// saved_at, url, fields}], the key being the draft's Idempotency-Key, so submitting it later creates one
// case, never two.
(function () {
  "use strict";
  var STORE = "bianmin.proxy.drafts";
  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  // After a successful registration the page carries the draft's key: it is a case now, not a draft.
  var done = document.querySelector("[data-draft-done]");
  if (done && done.dataset.draftDone) {
    var rest = load().filter(function (d) { return d.key !== done.dataset.draftDone; });
    try { window.localStorage.setItem(STORE, JSON.stringify(rest)); } catch (e) { /* storage full or off */ }
  }

  var box = document.querySelector("[data-drafts]");
  if (!box) return;
  var drafts = load();
  var count = document.querySelector("[data-drafts-count]");
  if (count) count.textContent = drafts.length;
  if (!drafts.length) return;
  var list = document.createElement("ul");
  list.className = "px-list";
  drafts.forEach(function (d) {
    var li = document.createElement("li");
    var top = document.createElement("div");
    top.className = "top";
    var title = document.createElement(d.url ? "a" : "span");
    if (d.url) title.href = d.url;
    title.textContent = (d.applicant || "未填姓名") + " · " + (d.item_name || d.item || "未选事项");
    top.appendChild(title);
    var sub = document.createElement("div");
    sub.className = "sub";
    sub.textContent = "保存于 " + (d.saved_at || "") + (d.url ? " · 点开继续填写并提交" : "");
    li.appendChild(top);
    li.appendChild(sub);
    list.appendChild(li);
  });
  var empty = box.querySelector(".empty");
  if (empty) empty.remove();
  box.appendChild(list);
})();
