// The agent's registration form as a draft on this phone: every change is kept in localStorage
// ("bianmin.proxy.drafts", listed on the agent's home under 草稿) with the Idempotency-Key made when
// the draft began, so a form lost to a dropped signal can be reopened and submitted once, never twice.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-store]");
  if (!form) return;
  var STORE = form.dataset.draftStore;
  var keyInput = form.querySelector("input[name=idempotency_key]");
  var status = form.querySelector(".px-draft-status");
  var bound = form.hasAttribute("data-draft-bound");
  var SKIP = { csrfmiddlewaretoken: 1, idempotency_key: 1 };

  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function keep(list) {
    try { window.localStorage.setItem(STORE, JSON.stringify(list)); return true; } catch (e) { return false; }
  }
  function newKey() {
    // crypto.getRandomValues works on plain http too (randomUUID needs a secure context).
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function stamp() {
    var d = new Date();
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function inputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }
  function values() {
    var out = {};
    inputs().forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (out[el.name] = out[el.name] || []).push(el.value);
    });
    return out;
  }
  function restore(fields) {
    inputs().forEach(function (el) {
      var saved = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = !!saved && saved.indexOf(el.value) >= 0;
      else if (saved) el.value = saved[0];
    });
  }

  // Which draft this page is: one reopened from the home page (?draft=KEY), the one just posted back
  // with errors (its key came back in the form), or a new one with a fresh key.
  var wanted = new URLSearchParams(window.location.search).get("draft");
  var reopened = wanted && load().filter(function (d) { return d.key === wanted; })[0];
  if (reopened && !bound) {
    restore(reopened.fields || {});
    keyInput.value = reopened.key;
  } else if (!bound || !keyInput.value) {
    keyInput.value = newKey();
  }
  var key = keyInput.value;

  function say(text) { if (status) { status.hidden = false; status.textContent = text; } }
  function save() {
    var fields = values();
    var name = (fields.name || [""])[0];
    var draft = {
      key: key,
      item: form.dataset.draftItem,
      item_name: form.dataset.draftItemName,
      applicant: name,
      saved_at: stamp(),
      url: window.location.pathname + "?item=" + encodeURIComponent(form.dataset.draftItem) + "&draft=" + key,
      fields: fields
    };
    var list = load().filter(function (d) { return d.key !== key; });
    list.unshift(draft);
    if (keep(list)) say("草稿已存在本机（" + draft.saved_at + "）");
  }
  if (reopened && !bound) say("已恢复本机草稿（" + reopened.saved_at + "），照片请重新拍。");

  var timer = null;
  function later() { window.clearTimeout(timer); timer = window.setTimeout(save, 300); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    save();
    if (navigator.onLine === false) {
      event.preventDefault();
      say("手机没有信号：草稿已存在本机，有信号后在“草稿”里打开再提交，不会重复登记。");
    }
  });
})();
