// Print buttons: <button data-print-page hidden> opens the browser's print dialog (print or save as PDF).
// The button stays hidden without JavaScript; the browser's own Print command gives the same pages.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print-page]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
