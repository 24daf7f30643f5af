// The sidebar is an off-canvas menu below Bootstrap's lg: while open it is a dialog (Bootstrap
// gives it the role), named by its title; closed or beside the page, it is not one.
(function () {
  "use strict";
  var sidebar = document.getElementById("sidebar");
  if (!sidebar) return;
  sidebar.addEventListener("show.bs.offcanvas", function () {
    sidebar.setAttribute("aria-labelledby", "sidebar-title");
  });
  sidebar.addEventListener("hidden.bs.offcanvas", function () {
    sidebar.removeAttribute("aria-labelledby");
  });
})();
