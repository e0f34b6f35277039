// Copy buttons: <button data-copy-target="ID" hidden> copies the text of element ID to the clipboard.
// The button stays hidden without JavaScript (the text can still be selected, or downloaded);
// a sibling [data-copy-status] element says whether the copy worked.
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(text, element) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain HTTP on another host than localhost: the older way, through a selection.
    selectText(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget);
    if (!target) {
      return;
    }
    var status = button.parentElement.querySelector("[data-copy-status]");
    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(target.textContent, target).then(
        function () {
          say("Copied to the clipboard.");
        },
        function () {
          selectText(target);
          say("The browser refused to copy: the text is selected, press Ctrl+C (or Cmd+C).");
        }
      );
    });
  });
})();
