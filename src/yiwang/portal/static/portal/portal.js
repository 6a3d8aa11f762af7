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

  // GOV.UK habit: move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
