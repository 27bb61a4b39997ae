// Small conveniences for every page (no inline script: CSP allows only this site's files).
(function () {
  // A button with data-confirm asks before its form is sent (deletes, irreversible steps).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
