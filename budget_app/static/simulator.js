// The budget simulator's live balance (progressive enhancement: without this script the page
// is a plain form, checked on the server). Each slider mirrors its number field; the balance
// says what is left to allocate, or how much is over the envelope.
(function () {
  "use strict";
  var form = document.getElementById("sim-form");
  if (!form) { return; }
  var envelope = parseInt(form.getAttribute("data-envelope"), 10) || 0;
  var balance = document.getElementById("sim-balance");
  var money;
  try {
    money = new Intl.NumberFormat(form.getAttribute("data-lang") || undefined, {
      style: "currency", currency: form.getAttribute("data-currency") || "ILS",
      maximumFractionDigits: 0, numberingSystem: "latn"});
  } catch (e) { money = {format: function (n) { return String(n); }}; }

  function parse(text) {
    // Arabic-Indic and Persian digits, thousands separators and spaces, as people type them.
    var s = String(text || "").replace(/[\u0660-\u0669]/g, function (d) { return d.charCodeAt(0) - 0x0660; })
      .replace(/[\u06F0-\u06F9]/g, function (d) { return d.charCodeAt(0) - 0x06F0; })
      .replace(/[\u066B]/g, ".").replace(/[,\u066C\s\u00A0']/g, "");
    var n = parseFloat(s);
    return isFinite(n) ? n : 0;
  }
  var pairs = [];
  form.querySelectorAll("input.sim-range").forEach(function (range) {
    var field = document.getElementById(range.getAttribute("data-for"));
    if (!field) { return; }
    range.hidden = false;
    pairs.push(field);
    range.addEventListener("input", function () { field.value = range.value; update(); });
    field.addEventListener("input", function () { range.value = Math.round(parse(field.value)); update(); });
  });
  function update() {
    var total = 0;
    pairs.forEach(function (f) { total += parse(f.value); });
    var left = Math.round((envelope - total) * 100) / 100;
    var text;
    balance.classList.remove("sim-over", "sim-ok");
    if (left > 0) {
      text = form.getAttribute("data-left").replace("{amount}", money.format(left));
    } else if (left < 0) {
      text = form.getAttribute("data-over").replace("{amount}", money.format(-left));
      balance.classList.add("sim-over");
    } else {
      text = form.getAttribute("data-balanced");
      balance.classList.add("sim-ok");
    }
    balance.textContent = text;
  }
  if (balance && pairs.length) { balance.hidden = false; update(); }
})();
