// Finger signature pad: draws on a canvas and puts the PNG (data URL) in the form's hidden input on submit.
(function () {
  document.querySelectorAll("[data-signature-pad]").forEach(function (pad) {
    var canvas = pad.querySelector("canvas");
    var input = document.getElementById(pad.dataset.signaturePad);
    var form = input.form;
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function fit() {
      // Match the bitmap to the displayed size (and the screen's density) so strokes stay sharp.
      var ratio = window.devicePixelRatio || 1, rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      drawn = false;
      pad.classList.remove("signed");
    }
    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; last = point(e); canvas.setPointerCapture(e.pointerId); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; drawn = true; pad.classList.add("signed"); e.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = pad.parentElement.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", function () { fit(); input.value = ""; });
    form.addEventListener("submit", function () { input.value = drawn ? canvas.toDataURL("image/png") : ""; });
    fit();
  });
})();
