// Order list: "select page", "select all matching" and a live count of the selection.
(function () {
  "use strict";
  var form = document.getElementById("selection-form");
  if (!form) return;
  var pageBox = document.getElementById("select-page");
  var allBox = document.getElementById("select-all-matching");
  var counter = document.getElementById("selected-count");
  var rows = Array.prototype.slice.call(form.querySelectorAll("input.row-select"));
  var language = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;

  // "1 sélectionnée", "2 sélectionnées": both forms come translated from the server.
  function selectedLabel(count) {
    var one = plural ? plural.select(count) === "one" : count === 1;
    var template = one ? form.dataset.selectedOne : form.dataset.selectedOther;
    return template.replace("{count}", count.toLocaleString(language));
  }

  // On a phone the bulk actions fold until there is a selection to act on.
  var bulk = document.getElementById("bulk-actions");
  if (bulk && window.matchMedia("(max-width: 767.98px)").matches) bulk.open = false;

  function refresh() {
    var checked = rows.filter(function (box) { return box.checked; }).length;
    if (bulk && (checked || (allBox && allBox.checked))) bulk.open = true;
    if (pageBox) {
      pageBox.checked = rows.length > 0 && checked === rows.length;
      pageBox.indeterminate = checked > 0 && checked < rows.length;
    }
    if (counter) {
      counter.textContent = allBox && allBox.checked ? "" : (checked ? selectedLabel(checked) : "");
    }
  }

  if (pageBox) {
    pageBox.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = pageBox.checked; });
      if (!pageBox.checked && allBox) allBox.checked = false;
      refresh();
    });
  }
  if (allBox) {
    allBox.addEventListener("change", function () {
      if (allBox.checked) rows.forEach(function (box) { box.checked = true; });
      refresh();
    });
  }
  rows.forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked && allBox) allBox.checked = false;
      refresh();
    });
  });
  // Enter in a bulk action's field runs that action, not the first button of the form.
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-bulk-action]"), function (group) {
    var button = group.querySelector("button[name='action']");
    group.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT" || !button) return;
      event.preventDefault();
      button.click();
    });
  });
  // A box ticked before this script ran (or restored by the browser on "back") still counts.
  if ((pageBox && pageBox.checked) || (allBox && allBox.checked)) {
    rows.forEach(function (box) { box.checked = true; });
  }
  refresh();

  // A page filtered by dates, totals or a search comes without its counts (they would hold
  // it): they come from a second request, each marked element in place of the page's.
  var results = document.querySelector("[data-counts-url]");
  var fallback = document.querySelector("[data-counts-fallback]");
  if (results && window.fetch && window.DOMParser) {
    if (fallback) fallback.hidden = true;
    fetch(results.dataset.countsUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var counted = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(counted.querySelectorAll("[data-counted]"), function (fresh) {
          var key = fresh.getAttribute("data-counted");
          var current = document.querySelector('[data-counted="' + key + '"]');
          if (current) current.replaceWith(document.importNode(fresh, true));
        });
        results.removeAttribute("data-counts-url");
        if (fallback) fallback.remove();
      })
      .catch(function () {
        if (fallback) fallback.hidden = false;
      });
  }
})();
