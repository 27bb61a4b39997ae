// Council work: conveniences only; every form works without this file.
// - meeting form: only the chosen kind's fields are shown (the server clears the others anyway).
(function () {
  "use strict";
  function setupMeetingForm(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    var parts = form.querySelectorAll("[data-meeting-kind]");
    function update() {
      parts.forEach(function (part) {
        var show = part.getAttribute("data-meeting-kind") === kind.value;
        part.hidden = !show;
        // Hidden inputs are still sent; disabling them keeps what is not shown out of the request.
        part.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !show; });
      });
    }
    kind.addEventListener("change", update);
    update();
  }
  function init() { document.querySelectorAll("form.meeting-form").forEach(setupMeetingForm); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
