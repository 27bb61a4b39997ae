// Budget cycles: conveniences only (the server checks everything again).
// - ballots: running total of the chosen proposals, what is left of the envelope, points left;
// - cycle form: the gap between the envelope and the funding sources.
// (Buttons with data-confirm are handled once, for every page, by app.js.)
(function () {
  "use strict";
  var lang = document.documentElement.lang || "ar";
  var ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";

  function money(minor, currency) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency || "ILS",
        maximumFractionDigits: minor % 100 === 0 ? 0 : 2 }).format(minor / 100);
    } catch (e) { return (minor / 100).toFixed(2) + " " + currency; }
  }
  function number(n) { try { return new Intl.NumberFormat(lang).format(n); } catch (e) { return String(n); } }
  function parseAmount(text) {
    if (!text) { return 0; }
    var s = String(text).replace(/[٠-٩]/g, function (d) { return String(ARABIC_DIGITS.indexOf(d)); })
      .replace(/٬/g, ",").replace(/٫/g, ".").replace(/[\s₪]/g, "");
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) { s = s.replace(/,/g, ""); }
    var v = parseFloat(s);
    return isNaN(v) ? 0 : Math.round(v * 100);
  }
  function span(text, cls) {
    var el = document.createElement("span");
    el.textContent = text;
    if (cls) { el.className = cls; }
    return el;
  }

  function setupBallot(box) {
    // What the summary counts, declared by the ballot method: choices, envelope, points or ranks.
    var kind = box.getAttribute("data-summary");
    var envelope = parseInt(box.getAttribute("data-envelope"), 10) || 0;
    var currency = box.getAttribute("data-currency");
    var max = parseInt(box.getAttribute("data-max"), 10) || 0;
    var points = parseInt(box.getAttribute("data-points"), 10) || 0;
    var minSpend = parseInt(box.getAttribute("data-min-spend"), 10) || 0;
    var summary = box.querySelector("[data-ballot-summary]");
    if (!summary) { return; }
    var msg = function (k) { return summary.getAttribute("data-msg-" + k) || ""; };

    function update() {
      var chosen = 0, cost = 0, used = 0;
      box.querySelectorAll("input[type=checkbox][data-cost]").forEach(function (el) {
        if (el.checked) { chosen += 1; cost += parseInt(el.getAttribute("data-cost"), 10) || 0; }
      });
      box.querySelectorAll("input.points-input").forEach(function (el) {
        var v = parseInt(String(el.value).replace(/[٠-٩]/g, function (d) { return String(ARABIC_DIGITS.indexOf(d)); }), 10) || 0;
        if (v > 0) { used += v; chosen += 1; cost += parseInt(el.getAttribute("data-cost"), 10) || 0; }
      });
      box.querySelectorAll("select[data-cost]").forEach(function (el) {
        if (el.value) { chosen += 1; cost += parseInt(el.getAttribute("data-cost"), 10) || 0; }
      });
      summary.textContent = "";
      summary.appendChild(span(msg("chosen") + " " + number(chosen) + (max && kind !== "points" ? " / " + number(max) : ""),
                               max && chosen > max ? "over" : ""));
      if (max && chosen > max && msg("too-many")) { summary.appendChild(span(msg("too-many"), "over")); }
      summary.appendChild(span(msg("cost") + " " + money(cost, currency)));
      if (kind === "envelope") {
        if (cost <= envelope) { summary.appendChild(span(msg("left") + " " + money(envelope - cost, currency))); }
        else { summary.appendChild(span(msg("over") + " " + money(cost - envelope, currency), "over")); }
        if (minSpend && cost < minSpend && msg("min")) { summary.appendChild(span(msg("min") + " " + money(minSpend - cost, currency))); }
      }
      if (kind === "points" && points) {
        summary.appendChild(span(msg("points") + " " + number(used) + " / " + number(points), used > points ? "over" : ""));
        summary.appendChild(span(msg("points-left") + " " + number(points - used), used > points ? "over" : ""));
      }
      if (max && (kind === "choices" || kind === "ranks") && chosen <= max) {
        summary.appendChild(span(msg(kind === "ranks" ? "ranks-left" : "choices-left") + " " + number(max - chosen)));
      }
      // The bar: money of the envelope, points, or choices used so far (what is left is the rest).
      var share = null, over = false;
      if (kind === "envelope" && envelope) { share = cost / envelope; over = cost > envelope; }
      else if (kind === "points" && points) { share = used / points; over = used > points; }
      else if (max) { share = chosen / max; over = chosen > max; }
      if (share !== null) {
        var bar = document.createElement("span"), fill = document.createElement("span");
        bar.className = "ballot-meter" + (over ? " over" : "");
        bar.setAttribute("aria-hidden", "true");
        fill.style.inlineSize = Math.min(100, Math.round(share * 100)) + "%";
        bar.appendChild(fill);
        summary.insertBefore(bar, summary.firstChild);
      }
      box.classList.toggle("ballot-over", over);
    }
    box.addEventListener("change", update);
    box.addEventListener("input", update);
    update();
  }

  function setupFunding(fieldset) {
    var status = document.querySelector("[data-funding-status]");
    var envelope = document.getElementById("envelope");
    var currency = document.getElementById("currency");
    if (!status || !envelope) { return; }
    function update() {
      var total = 0;
      fieldset.querySelectorAll("input[id^=funding_]").forEach(function (el) { total += parseAmount(el.value); });
      var env = parseAmount(envelope.value), cur = currency ? currency.value : "ILS";
      if (!env) { status.textContent = ""; return; }
      if (total === env) { status.textContent = status.getAttribute("data-msg-ok"); }
      else if (total < env) { status.textContent = status.getAttribute("data-msg-gap") + " " + money(env - total, cur); }
      else { status.textContent = status.getAttribute("data-msg-over") + " " + money(total - env, cur); }
    }
    fieldset.addEventListener("input", update);
    fieldset.addEventListener("change", update);
    update();
  }

  function init() {
    document.querySelectorAll("[data-ballot]").forEach(setupBallot);
    document.querySelectorAll("[data-funding-sum]").forEach(setupFunding);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
