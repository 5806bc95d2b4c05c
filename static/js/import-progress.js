// The SAMHSA import page in admin: while the import runs, fetch the page every
// two seconds and show its new status; when it has finished, reload to show
// the summary. Without JavaScript the page has a link to do the same.
(function () {
  "use strict";
  var status = document.getElementById("import-status");
  if (!status || status.dataset.finished === "true") {
    return;
  }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("import-status");
        if (!fresh || fresh.dataset.finished === "true") {
          window.location.reload();
          return;
        }
        status.innerHTML = fresh.innerHTML;
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 2000);
})();
