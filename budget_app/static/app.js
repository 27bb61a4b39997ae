// Small conveniences for every page (no inline script: CSP allows only this site's files).
(function () {
  // Once per page, even if this file were included twice: two listeners meant two dialogs.
  if (window.sharakaConfirmAttached) { return; }
  window.sharakaConfirmAttached = true;
  // A button with data-confirm asks before its form is sent (deletes, irreversible steps).
  // This is the only place that handles data-confirm; feature scripts must not add their own.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
// Phones: a table wider than its container becomes stacked cards, each cell labelled with its
// column header (data-label). Without this script the table scrolls inside itself (app.css).
// A table with data-no-cards keeps scrolling; data-label attributes already in the markup win.
(function () {
  var narrow = window.matchMedia ? window.matchMedia("screen and (max-width: 40rem)") : null;

  function headerLabels(table) {
    var head = table.tHead, labels = [];
    if (!head || !head.rows.length) { return null; }
    var row = head.rows[head.rows.length - 1];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var span = cell.colSpan || 1, text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < span; i += 1) { labels.push(text); }
    });
    return labels;
  }
  function label(table) {
    if (table.hasAttribute("data-labelled")) { return true; }
    var labels = headerLabels(table);
    if (!labels) { return false; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[col] !== undefined) { cell.setAttribute("data-label", labels[col]); }
          col += cell.colSpan || 1;
        });
      });
    });
    table.setAttribute("data-labelled", "");
    return true;
  }
  function layout() {
    document.querySelectorAll("table.table").forEach(function (table) {
      table.classList.remove("table-cards", "table-fits");
      if (!narrow || !narrow.matches) { return; }
      var box = table.parentElement && table.parentElement.classList.contains("table-scroll") ? table.parentElement : table;
      if (box.scrollWidth <= box.clientWidth + 1) { table.classList.add("table-fits"); return; }
      if (table.hasAttribute("data-no-cards") || !label(table)) { return; }
      table.classList.add("table-cards");
    });
  }
  var pending = null;
  function later() { if (pending) { window.cancelAnimationFrame(pending); } pending = window.requestAnimationFrame(layout); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", layout); } else { layout(); }
  window.addEventListener("resize", later);
  window.addEventListener("load", later);
})();
// A read-only field with a copy button (data-copy="field id"): the button stays hidden without
// this script, and the field alone still works (it selects its whole text when focused).
(function () {
  function select(field) { field.focus(); field.select(); field.setSelectionRange(0, field.value.length); }
  function init() {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      var status = button.parentElement.querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        function done() { if (status) { status.textContent = button.getAttribute("data-copied") || ""; } }
        select(field);
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            if (document.execCommand && document.execCommand("copy")) { done(); }
          });
        } else if (document.execCommand && document.execCommand("copy")) {
          done();
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
// Notification centre: following a notification's link marks it read, as its "Mark as read"
// button would (the same CSRF form, sent in the background). Without this script the button
// does it; the link alone leaves the notification unread.
(function () {
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".notification.unread .notification-text a");
    if (!link || !window.fetch || !window.FormData) { return; }
    var form = link.closest(".notification").querySelector("form[data-mark-read]");
    if (!form) { return; }
    try {
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true,
                          redirect: "manual"});
    } catch (e) { /* the page goes on to the link either way */ }
  });
})();
