// Irreversible steps (不予受理, 撤回, 会签不同意 …) ask once before they are sent: a form with
// data-confirm shows its text in the browser's confirmation box and is sent only on "OK".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
