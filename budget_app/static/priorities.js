// Ranking-round ballot: keeps the points within K and each rank used once, before sending.
// The server checks again whatever arrives; this only spares the member a round trip.
(function () {
  function setup(form) {
    var method = form.getAttribute("data-method");
    var budget = parseInt(form.getAttribute("data-budget"), 10);
    var inputs = Array.prototype.slice.call(form.querySelectorAll(".ballot-input"));
    var live = form.querySelector("#ballot-live-error");
    var left = form.querySelector("#points-left");
    var button = form.querySelector("button[type=submit]");

    function check() {
      var message = "";
      inputs.forEach(function (el) { el.setCustomValidity(""); el.removeAttribute("aria-invalid"); });
      if (method === "points") {
        var total = 0;
        inputs.forEach(function (el) { var v = parseInt(el.value, 10); if (v > 0) { total += v; } });
        if (left) { left.textContent = String(budget - total); }
        if (total > budget) {
          message = form.getAttribute("data-msg-over");
          inputs.forEach(function (el) {
            if (parseInt(el.value, 10) > 0) { el.setCustomValidity(message); el.setAttribute("aria-invalid", "true"); }
          });
        }
      } else {
        var seen = {};
        inputs.forEach(function (el) {
          if (!el.value) { return; }
          if (seen[el.value]) {
            message = form.getAttribute("data-msg-duplicate");
            el.setCustomValidity(message); el.setAttribute("aria-invalid", "true");
          }
          seen[el.value] = true;
        });
      }
      if (live) { live.textContent = message; live.hidden = !message; }
      if (button) { button.disabled = !!message; }
    }
    inputs.forEach(function (el) { el.addEventListener("input", check); el.addEventListener("change", check); });
    form.addEventListener("submit", function (event) { check(); if (!form.checkValidity()) { event.preventDefault(); } });
    check();
  }
  function init() { document.querySelectorAll("form.ballot-form").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
