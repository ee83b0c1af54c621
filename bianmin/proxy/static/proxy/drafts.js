// Drafts kept on this phone (registrations not yet submitted, e.g. when the signal dropped): list them.
// The registration form stores each draft under localStorage "bianmin.proxy.drafts" with its Idempotency-Key,
// so submitting it later creates one case, never two.
(function () {
  var box = document.querySelector("[data-drafts]");
  if (!box) return;
  var drafts = [];
  try { drafts = JSON.parse(window.localStorage.getItem(box.dataset.drafts) || "[]"); } catch (e) { drafts = []; }
  var count = document.querySelector("[data-drafts-count]");
  if (count) count.textContent = drafts.length;
  if (!drafts.length) return;
  var list = document.createElement("ul");
  list.className = "px-list";
  drafts.forEach(function (d) {
    var li = document.createElement("li");
    li.textContent = (d.applicant || "未填姓名") + " · " + (d.item_name || d.item || "未选事项") + " · " + (d.saved_at || "");
    list.appendChild(li);
  });
  box.querySelector(".empty").remove();
  box.appendChild(list);
})();
