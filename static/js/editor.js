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

// Image upload in the lesson editor without leaving the page: the image is
// sent on its own and its Markdown put into the text at the cursor, so the
// typed text stays where it is. Without this script the button sends the
// whole editor form, which saves the text as a draft before the image.
(function () {
  "use strict";
  var button = document.querySelector("button[data-upload-url]");
  var area = document.getElementById("f-body");
  var input = document.getElementById("f-afbeelding");
  if (!button || !area || !input || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("upload-status");
  function say(text) { if (status) { status.textContent = text || ""; } }

  function insert(path) {
    var alt = button.getAttribute("data-upload-alt") || "";
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number") { start = end = area.value.length; }
    var before = area.value.slice(0, start), after = area.value.slice(end);
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var snippet = lead + "![" + alt + "](" + path + ")\n";
    area.value = before + snippet + after;
    // Select the description, for the trainer to type over.
    var at = before.length + lead.length + 2;
    area.focus();
    area.setSelectionRange(at, at + alt.length);
    area.dispatchEvent(new Event("input"));
  }

  button.addEventListener("click", function (e) {
    e.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { say(button.getAttribute("data-upload-nofile")); input.focus(); return; }
    var body = new FormData();
    body.append("afbeelding", file);
    button.disabled = true;
    say(button.getAttribute("data-upload-busy"));
    fetch(button.getAttribute("data-upload-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
    }).then(function (r) {
      if (r.ok && r.data.path) {
        insert(r.data.path);
        input.value = "";
        say(button.getAttribute("data-upload-done"));
      } else {
        say(r.data.error || button.getAttribute("data-upload-failed"));
      }
    }).catch(function () {
      say(button.getAttribute("data-upload-failed"));
    }).then(function () { button.disabled = false; });
  });
})();
