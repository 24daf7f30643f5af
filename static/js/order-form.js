// The order form: add/remove formset rows, "same as billing". Totals are computed by the server.
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form) return;

  form.querySelectorAll("[data-formset]").forEach(function (section) {
    var prefix = section.dataset.formset;
    var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var body = section.querySelector("[data-formset-body]");
    var template = section.querySelector("template[data-formset-empty]");
    var addButton = section.querySelector("[data-formset-add]");
    var max = parseInt(section.dataset.max, 10) || 1000;

    function refresh() {
      addButton.disabled = parseInt(total.value, 10) >= max;
    }

    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      body.appendChild(row);
      total.value = String(index + 1);
      refresh();
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });

    section.addEventListener("change", function (event) {
      if (!event.target.matches("[data-formset-delete]")) return;
      var row = event.target.closest("[data-formset-row]");
      row.classList.toggle("opacity-50", event.target.checked);
      row.querySelectorAll("input:not([data-formset-delete]):not([type=hidden]), select").forEach(
        function (input) { input.readOnly = event.target.checked; }
      );
    });
    refresh();
  });

  var same = form.querySelector("#id_same_as_billing");
  var shipping = form.querySelector("[data-shipping-address]");
  if (same && shipping) {
    var sync = function () { shipping.hidden = same.checked; };
    same.addEventListener("change", sync);
    sync();
  }

  // Live preview: the server recomputes the totals (it is the authority) and its
  // totals panel replaces ours; nothing is saved. Without JS, "Preview totals" does the same.
  var timer = null;
  var pending = null;
  function preview() {
    var body = new FormData(form);
    body.set("preview", "1");
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.previewUrl, {
      method: "POST", body: body, credentials: "same-origin", signal: pending.signal,
      headers: {"X-Requested-With": "fetch"},
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html")
        .querySelector("[data-testid=totals]");
      var current = form.querySelector("[data-testid=totals]");
      if (fresh && current && fresh.hasAttribute("data-recomputed")) current.replaceWith(fresh);
    }).catch(function () { /* the button and the save still work */ });
  }
  form.addEventListener("input", function () {
    var note = form.querySelector("[data-totals-stale]");
    if (note) note.classList.add("text-warning-emphasis");
    clearTimeout(timer);
    timer = setTimeout(preview, 600);
  });
})();
