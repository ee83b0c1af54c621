// Photos of papers: shrink on the phone (longest side 1600 px, JPEG) before uploading, to spare weak signal.
(function () {
  var MAX_SIDE = 1600, QUALITY = 0.8;

  function compress(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(img.src);
        canvas.toBlob(function (blob) { blob ? resolve(blob) : reject(new Error("压缩失败")); }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { reject(new Error("不是图片")); };
      img.src = URL.createObjectURL(file);
    });
  }

  // In the registration form: shrink the photos as soon as they are taken, and put the smaller JPEGs
  // back in the input, so the form's own submit sends them. The submit button waits meanwhile.
  document.querySelectorAll("input[type=file][data-compress]").forEach(function (input) {
    var note = document.createElement("span");
    note.className = "px-photo-status muted";
    note.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", note);
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || typeof DataTransfer === "undefined") return;
      var buttons = input.form ? input.form.querySelectorAll("button[type=submit]") : [];
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      note.textContent = "正在压缩…";
      Promise.all(files.map(function (file, i) {
        // A file that is no picture goes up as it is, and the server says why it is refused.
        return compress(file).then(function (blob) {
          return new File([blob], "photo-" + (i + 1) + ".jpg", { type: "image/jpeg" });
        }, function () { return file; });
      })).then(function (shrunk) {
        var box = new DataTransfer();
        shrunk.forEach(function (f) { box.items.add(f); });
        input.files = box.files;
        var kb = shrunk.reduce(function (sum, f) { return sum + f.size; }, 0) / 1024;
        note.textContent = "已压缩 " + shrunk.length + " 张，共 " + Math.round(kb) + " KB";
      }).finally(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    });
  });

  document.querySelectorAll("form[data-photo-upload]").forEach(function (form) {
    var status = form.querySelector(".px-photo-status");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = form.querySelector("input[type=file]");
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { status.textContent = "请先拍照或选择照片"; return; }
      var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
      var material = form.querySelector("[name=material]").value;
      var done = 0;
      status.textContent = "正在压缩并上传…";
      files.reduce(function (chain, file) {
        return chain.then(function () { return compress(file); }).then(function (blob) {
          var body = new FormData();
          body.append("file", blob, "photo.jpg");
          if (material) body.append("material", material);
          return fetch(form.dataset.photoUpload, { method: "POST", body: body, credentials: "same-origin",
            headers: { "X-CSRFToken": token } });
        }).then(function (response) {
          if (!response.ok) return response.json().then(function (j) { throw new Error(j.error.message); });
          done += 1;
          status.textContent = "已上传 " + done + " / " + files.length + " 张";
        });
      }, Promise.resolve()).then(function () {
        input.value = "";
      }).catch(function (err) { status.textContent = "上传失败：" + err.message; });
    });
  });
})();
