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

  // Any change makes the shown totals out of date until the server recomputes them.
  var note = form.querySelector("[data-totals-stale]");
  form.addEventListener("input", function () {
    if (note) note.classList.add("text-warning-emphasis");
  });
})();
