// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // The language form changes the language only when its button is
  // pressed: choosing an option (with the arrow keys, too) changes nothing
  // by itself (WCAG 3.2.2).

  // A diagram that scrolls sideways inside its paragraph on a phone can
  // be scrolled from the keyboard too.
  function focusableScrollers() {
    var imgs = document.querySelectorAll(".prose p > img");
    for (var i = 0; i < imgs.length; i++) {
      var p = imgs[i].parentNode;
      if (p.scrollWidth > p.clientWidth + 1) {
        if (!p.hasAttribute("tabindex")) {
          p.setAttribute("tabindex", "0");
          p.setAttribute("role", "group");
          p.setAttribute("aria-label", imgs[i].getAttribute("alt") || "");
        }
      } else if (p.getAttribute("role") === "group") {
        p.removeAttribute("tabindex");
        p.removeAttribute("role");
        p.removeAttribute("aria-label");
      }
    }
  }
  window.addEventListener("load", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
})();
