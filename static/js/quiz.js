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
  var submitting = false; // the answers are being handed in: keep nothing more
  var submitter = null;   // the button that handed them in

  function say(key) {
    if (status) { status.textContent = form.getAttribute("data-keep-" + key) || ""; }
  }

  function save() {
    pending = null;
    if (submitting) { return; }
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
      if (submitting) { resubmit(); return; }
      if (again) { again = false; save(); }
    });
  }

  // Handing in closes the attempt, so a save still on its way would be
  // refused: wait for it first, and start no new one.
  function resubmit() {
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
  }

  form.addEventListener("submit", function (e) {
    if (pending) { clearTimeout(pending); pending = null; }
    submitting = true;
    if (running) {
      submitter = e.submitter || null;
      e.preventDefault();
    }
  });

  form.addEventListener("change", function (e) {
    if (!e.target || (e.target.type !== "radio" && e.target.type !== "checkbox")) { return; }
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(save, 300);
  });
})();
