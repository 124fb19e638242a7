/*
 * Thi Đua — small, unobtrusive behaviour for every page.
 * No inline handlers anywhere (the Content-Security-Policy forbids them): everything hangs off
 * data-* attributes and classes, through delegated listeners on the document, so it also works
 * for fragments swapped in by htmx.
 *
 *   <meta name="csrf-token" content="…">     htmx requests that change data send X-CSRFToken.
 *   data-confirm="Câu hỏi?"                  on a <form>, <a> or <button>: asks before going on
 *                                            (works with hx-post/hx-delete too).
 *   .alert__close / [data-dismiss]          closes the nearest .alert (or the [data-dismiss] target).
 *   form[data-busy] (default for POST forms) disables its submit buttons while it is sent,
 *                                            so a double click does not post twice.
 *   html.is-loading                          while any htmx request runs (drives .loading-bar).
 *   .form-errors[data-autofocus]            the error summary takes focus on load.
 *   [data-autosubmit]                        on a <select>/<input>: submits its form on change.
 *   <canvas data-chart="ID">                 draws a Chart.js chart from the JSON in <script
 *                                            type="application/json" id="ID"> (Django's json_script);
 *                                            needs vendor/chartjs/chart.umd.min.js on the page.
 *   [data-print]                             a button that prints the page.
 *
 * Public helpers: window.ThiDua.csrfToken(), window.ThiDua.drawCharts(root).
 */
(function () {
  "use strict";

  var SAFE_METHODS = /^(GET|HEAD|OPTIONS|TRACE)$/i;
  var HTMX_FORM = ["get", "post", "put", "patch", "delete"].map(function (verb) {
    return "[hx-" + verb + "], [data-hx-" + verb + "]";
  }).join(", ");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* ---- htmx: CSRF header, error messages, global loading state ---------- */

  document.addEventListener("htmx:configRequest", function (event) {
    if (!SAFE_METHODS.test(event.detail.verb || "")) {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    }
  });

  var pending = 0;
  function setLoading(delta) {
    pending = Math.max(0, pending + delta);
    document.documentElement.classList.toggle("is-loading", pending > 0);
  }
  document.addEventListener("htmx:beforeRequest", function () { setLoading(1); });
  document.addEventListener("htmx:afterRequest", function () { setLoading(-1); });

  var ERROR_TEXT = {
    0: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy dữ liệu yêu cầu.",
    409: "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại trang trước khi sửa.",
    413: "Tệp tải lên quá lớn.",
    429: "Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
    500: "Máy chủ gặp lỗi. Vui lòng thử lại hoặc báo quản trị viên."
  };

  function showMessage(level, text) {
    var box = document.getElementById("messages");
    if (!box) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert--" + level;
    alert.setAttribute("role", level === "error" || level === "warning" ? "alert" : "status");
    var body = document.createElement("div");
    body.className = "alert__body";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "alert__close";
    close.setAttribute("aria-label", "Đóng thông báo");
    close.textContent = "×";
    alert.appendChild(body);
    alert.appendChild(close);
    box.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = ERROR_TEXT[status] || (status >= 500 ? ERROR_TEXT[500] : "Yêu cầu không thực hiện được (mã " + status + ").");
    showMessage("error", text);
  });
  document.addEventListener("htmx:sendError", function () {
    showMessage("error", ERROR_TEXT[0]);
  });

  /* ---- Confirmation before destructive or irreversible actions ---------- */

  // Capture phase: runs before htmx's own listener on the element, so a "Hủy" stops the request too.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("a[data-confirm], button[data-confirm], input[type=submit][data-confirm]");
    if (!el || el.hasAttribute("disabled")) {
      return;
    }
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else if (el.form) {
      el.form.setAttribute("data-confirmed", "");
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !form.hasAttribute("data-confirmed")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
    }
    form.removeAttribute("data-confirmed");
  }, true);

  /* ---- No double submit: disable the buttons of a POST form being sent -- */

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.matches(HTMX_FORM) || form.closest("[hx-boost=true], [data-hx-boost=true]")) {
      return; // htmx forms: use hx-disabled-elt; htmx sets .htmx-request for the spinner
    }
    var method = (form.getAttribute("method") || "get").toLowerCase();
    if (method !== "post" && !form.hasAttribute("data-busy")) {
      return;
    }
    if (form.getAttribute("data-busy") === "false") {
      return;
    }
    var submitter = event.submitter;
    // After the form data (with the submitter's name/value) has been collected.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-busy-disabled", "");
        }
      });
      if (submitter) {
        submitter.setAttribute("aria-busy", "true");
      }
      form.querySelectorAll("[data-progress]").forEach(function (el) {
        el.hidden = false;
      });
    }, 0);
    // A POST answered by a download leaves the page in place: give the buttons back later.
    window.setTimeout(function () { release(form); }, 15000);
  });

  function release(root) {
    root.querySelectorAll("[aria-busy=true]").forEach(function (el) { el.removeAttribute("aria-busy"); });
    root.querySelectorAll("[data-busy-disabled]").forEach(function (el) {
      el.disabled = false;
      el.removeAttribute("data-busy-disabled");
    });
  }

  // Back/forward cache: re-enable buttons of a page shown again after a submit.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form").forEach(release);
    }
  });

  /* ---- Dismissible messages ---------------------------------------------- */

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".alert__close, [data-dismiss]");
    if (!button) {
      return;
    }
    var selector = button.getAttribute("data-dismiss");
    var target = selector ? document.querySelector(selector) : button.closest(".alert");
    if (target) {
      target.remove();
    }
  });

  /* ---- Small conveniences ------------------------------------------------ */

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      if (el.form.requestSubmit) {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  // User menu (<details>): close on outside click and on Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    });
  });

  /* ---- Charts (Chart.js, CSP-safe) ---------------------------------------
   * Template:
   *   {{ chart_config|json_script:"chart-ranking" }}
   *   <div class="chart"><canvas data-chart="chart-ranking" aria-label="…" role="img"></canvas></div>
   * The config is a plain Chart.js config object ({type, data, options}); no functions (JSON).
   */
  var PALETTE = ["#1d4479", "#a8191f", "#d9a51c", "#1a6b3b", "#6c7685", "#2b5793", "#855300", "#98a1ae"];

  function chartDefaults() {
    if (!window.Chart || window.Chart.__thidua) {
      return;
    }
    var d = window.Chart.defaults;
    d.font.family = getComputedStyle(document.body).fontFamily;
    d.font.size = 12;
    d.locale = "vi-VN"; // 1.234,5
    d.color = "#3e4755";
    d.borderColor = "#dde1e7";
    d.maintainAspectRatio = false;
    d.animation = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : d.animation;
    d.plugins.legend.labels.boxWidth = 12;
    window.Chart.__thidua = true;
  }

  function drawCharts(root) {
    if (!window.Chart) {
      return;
    }
    chartDefaults();
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.__chart) {
        return;
      }
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var config;
      try {
        config = JSON.parse(source.textContent);
      } catch (e) {
        return;
      }
      (config.data && config.data.datasets || []).forEach(function (ds, i) {
        if (!ds.backgroundColor) {
          ds.backgroundColor = PALETTE[i % PALETTE.length];
        }
        if (!ds.borderColor) {
          ds.borderColor = PALETTE[i % PALETTE.length];
        }
      });
      canvas.__chart = new window.Chart(canvas, config);
    });
  }

  /* ---- On load and after every htmx swap --------------------------------- */

  function init(root) {
    drawCharts(root);
    var summary = (root || document).querySelector(".form-errors[data-autofocus]");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt !== document.body) {
      init(event.detail.elt);
    }
  });

  window.ThiDua = { csrfToken: csrfToken, drawCharts: drawCharts, showMessage: showMessage };
})();
