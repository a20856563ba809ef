// Live preview for the lesson editor. The page works without this file:
// the "Voorbeeld tonen" button asks the server for the same preview.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-preview-url]");
  if (!area || !window.fetch) { return; }
  var target = document.getElementById(area.getAttribute("data-preview-target"));
  if (!target) { return; }
  var timer = null;
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    var body = new URLSearchParams();
    body.set("body", area.value);
    body.set("module", area.getAttribute("data-module") || "");
    fetch(area.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("preview " + resp.status); }
      return resp.text();
    }).then(function (html) {
      // The server sanitised this HTML with the learners' renderer.
      if (mine === seq) { target.innerHTML = html; }
    }).catch(function () { /* keep the last preview */ });
  }
  area.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 400);
  });
})();
