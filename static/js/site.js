// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // The language form submits as soon as a language is chosen.
  var sel = document.getElementById("taal-keuze");
  if (sel) { sel.addEventListener("change", function () { sel.form.submit(); }); }
})();
