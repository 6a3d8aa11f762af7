/* yiwang portal: progressive enhancements only; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Small screens: the "Menu" toggle shows and hides the main navigation.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.querySelector("summary").setAttribute("aria-controls", "main-nav");
    toggle.addEventListener("toggle", function () {
      nav.classList.toggle("is-open", toggle.open);
    });
  }

  // Small screens: filters start collapsed (unless they hold an error) so results come first.
  var small = window.matchMedia("(max-width: 47.99rem)");
  var collapsible = document.querySelectorAll("details[data-collapse-on-small]");
  collapsible.forEach(function (d) {
    if (small.matches && !d.hasAttribute("data-keep-open")) {
      d.open = false;
    }
  });
  small.addEventListener("change", function () {
    // Wide screens have no summary to click: always show the filters there.
    if (!small.matches) {
      collapsible.forEach(function (d) { d.open = true; });
    }
  });

  // GOV.UK habit: move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
