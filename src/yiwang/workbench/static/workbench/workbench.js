/* yiwang workbench: keyboard shortcuts on the case page. A progressive enhancement: every
   shortcut is also a visible link (data-shortcut) and the help is a <details> element. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !(target instanceof Element)) { return false; }
    if (target.isContentEditable) { return true; }
    return /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (typing(event.target)) { return; }
    if (event.key === "j" || event.key === "k") {
      var link = document.querySelector('a[data-shortcut="' + event.key + '"]');
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    } else if (event.key === "?") {
      var help = document.getElementById("shortcuts");
      if (help) {
        event.preventDefault();
        help.open = !help.open;
        if (help.open) { help.querySelector("summary").focus(); }
      }
    }
  });
})();
