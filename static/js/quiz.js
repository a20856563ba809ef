// Keeps the answers of an open quiz attempt as the learner ticks them, so
// that a reload or a lost connection does not lose them. Without this file
// the "Tussentijds bewaren" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form[data-keep-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("bewaard-status");
  var pending = null;   // a save waiting to start
  var running = false;  // a save on its way
  var again = false;    // something changed while saving

  function say(key) {
    if (status) { status.textContent = form.getAttribute("data-keep-" + key) || ""; }
  }

  function save() {
    pending = null;
    if (running) { again = true; return; }
    running = true;
    say("saving");
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-keep-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (resp) {
      say(resp.status === 204 ? "saved" : "failed");
    }, function () {
      say("failed");
    }).then(function () {
      running = false;
      if (again) { again = false; save(); }
    });
  }

  form.addEventListener("change", function (e) {
    if (!e.target || (e.target.type !== "radio" && e.target.type !== "checkbox")) { return; }
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(save, 300);
  });
})();
