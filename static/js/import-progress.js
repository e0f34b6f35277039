// Live progress of a CSV import: polls the import's progress.json and moves the bar.
// Without JavaScript the page refreshes itself (meta refresh in <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  var url = box.dataset.progressUrl;
  var bar = box.querySelector('[data-role="bar"]');
  var percent = box.querySelector('[data-role="percent"]');
  var status = box.querySelector('[data-role="status"]');
  var phaseText = box.querySelector('[data-role="phase-text"]');
  var progressbar = box.querySelector('[role="progressbar"]');

  function describe(data) {
    if (data.phase === "checking") {
      return "Checking rows: " + data.processed_rows + " of " + (data.total_rows === null ? "?" : data.total_rows) + ".";
    }
    if (data.phase === "loading") {
      return "All " + data.total_rows + " rows checked; loading them in one transaction.";
    }
    if (data.phase === "queued") {
      return "Waiting for a worker to start.";
    }
    return "";
  }

  function show(data) {
    bar.style.width = data.percent + "%";
    percent.textContent = data.percent;
    progressbar.setAttribute("aria-valuenow", data.percent);
    status.textContent = data.status_display;
    status.className = "status status-" + data.status;
    phaseText.textContent = describe(data);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload(); // the counts or the error table come from the server
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
