/*
 * Thi Đua — upload progress for file forms (Excel, JSON…), CSP-safe (no inline script or style).
 *
 *   <form method="post" enctype="multipart/form-data" data-upload-progress>
 *   <form … data-upload-progress="Đang tải tệp kết quả lên…">   (optional label)
 *
 * The form is sent with XMLHttpRequest instead of the browser's own submit, so a native <progress>
 * bar under the form can show how much of the file has gone up (percent and size). Once the file is
 * up, the bar turns indeterminate ("the server is checking the file"). The answer is then shown as a
 * normal submit would: the HTML page it answers with (the form with its errors, 422, or the page a
 * redirect led to, e.g. a background job's progress page) replaces the page under its own address;
 * a file answer is downloaded. A network failure gives the buttons back with a message.
 * Without XMLHttpRequest/FormData the form simply submits as usual.
 */
(function () {
  "use strict";

  var DEFAULT_LABEL = "Đang tải tệp lên máy chủ…";

  function size(bytes) {
    if (bytes < 1024 * 1024) {
      return Math.max(1, Math.round(bytes / 1024)).toLocaleString("vi-VN") + " KB";
    }
    return (bytes / (1024 * 1024)).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + " MB";
  }

  function progressBlock(form) {
    var block = form.querySelector(".upload-progress");
    if (!block) {
      block = document.createElement("div");
      block.className = "progress-block upload-progress";
      block.setAttribute("aria-live", "polite");
      var label = document.createElement("div");
      label.className = "progress-block__label";
      var text = document.createElement("span");
      text.className = "upload-progress__text";
      text.id = "upload-progress-text-" + Math.random().toString(36).slice(2);
      var value = document.createElement("span");
      value.className = "progress-block__value upload-progress__value";
      label.appendChild(text);
      label.appendChild(value);
      var bar = document.createElement("progress");
      bar.className = "progress upload-progress__bar";
      bar.max = 100;
      bar.setAttribute("aria-labelledby", text.id);
      block.appendChild(label);
      block.appendChild(bar);
      form.appendChild(block);
    }
    block.hidden = false;
    return {
      block: block,
      text: block.querySelector(".upload-progress__text"),
      value: block.querySelector(".upload-progress__value"),
      bar: block.querySelector(".upload-progress__bar")
    };
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      if (busy && !button.disabled) {
        button.disabled = true;
        button.setAttribute("data-upload-disabled", "");
      } else if (!busy && button.hasAttribute("data-upload-disabled")) {
        button.disabled = false;
        button.removeAttribute("data-upload-disabled");
      }
    });
  }

  function showPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    if (window.htmx) {
      window.htmx.process(document.body);
    }
    if (window.ThiDua && window.ThiDua.drawCharts) {
      window.ThiDua.drawCharts(document.body);
    }
    window.scrollTo(0, 0);
    var focus = document.querySelector(".form-errors[data-autofocus], [role=alert], #main");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
    }
  }

  function download(blob, disposition) {
    var match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition || "");
    var name = match ? decodeURIComponent(match[1] || match[2]) : "tai-ve";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function fail(form, ui, message) {
    setBusy(form, false);
    ui.block.hidden = true;
    if (window.ThiDua && window.ThiDua.showMessage) {
      window.ThiDua.showMessage("error", message);
    }
  }

  // Back from a page shown after an upload: load the earlier address for real.
  var pushed = false;
  window.addEventListener("popstate", function () {
    if (pushed) {
      window.location.reload();
    }
  });

  // Capture phase: before app.js's "no double submit" handler, which leaves prevented submits alone
  // (the confirmation prompt, also in the capture phase but registered first, still runs before).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-upload-progress]") || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    var ui = progressBlock(form);
    ui.text.textContent = form.getAttribute("data-upload-progress") || DEFAULT_LABEL;
    ui.value.textContent = "0%";
    ui.bar.value = 0;
    setBusy(form, true);

    var target = form.getAttribute("action") || window.location.href;
    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), target);
    xhr.responseType = "blob";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total > 0) {
        var percent = Math.min(100, Math.round((100 * e.loaded) / e.total));
        ui.bar.value = percent;
        ui.value.textContent = percent + "% · " + size(e.loaded) + "/" + size(e.total);
      }
    });
    xhr.upload.addEventListener("load", function () {
      ui.text.textContent = "Đã tải tệp lên; máy chủ đang kiểm tra…";
      ui.value.textContent = "100%";
      ui.bar.removeAttribute("value"); // indeterminate while the server works
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") === 0) {
        // A redirect was already followed by the request: show the page it led to (with its
        // one-time messages, which a second request would no longer carry) under its address.
        xhr.response.text().then(function (html) {
          if (xhr.responseURL && xhr.responseURL !== window.location.href) {
            window.history.pushState({ uploaded: true }, "", xhr.responseURL);
            pushed = true;
          }
          showPage(html);
        });
      } else if (xhr.status < 400) {
        download(xhr.response, xhr.getResponseHeader("Content-Disposition"));
        setBusy(form, false);
        ui.block.hidden = true;
      } else {
        fail(form, ui, "Máy chủ không nhận tệp (mã " + xhr.status + "). Vui lòng thử lại.");
      }
    });
    xhr.addEventListener("error", function () {
      fail(form, ui, "Mất kết nối khi đang tải tệp lên. Vui lòng kiểm tra mạng và gửi lại.");
    });
    xhr.addEventListener("abort", function () {
      fail(form, ui, "Đã dừng tải tệp lên.");
    });
    xhr.send(data);
  }, true);
})();
