// @name autocomplete on comment boxes: <textarea data-mention-input> and a sibling
// <ul data-mention-list data-mention-url="..."> in the same form. Typing @ and the start of a name or
// login name lists matching people; a click, Enter or Tab writes "@username" (or "@Full Name" for
// someone without a login). Without JavaScript the same text typed by hand is resolved by the server.
(function () {
  "use strict";

  var QUERY = /(^|[^\w@])@([\w.+-]+(?: [\w.+-]*)?)$/;

  function setUp(input) {
    var list = input.form && input.form.querySelector("[data-mention-list]");
    if (!list) {
      return;
    }
    var url = list.dataset.mentionUrl;
    var people = [];
    var active = -1;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      people = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function query() {
      var before = input.value.slice(0, input.selectionStart);
      var match = QUERY.exec(before);
      return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
    }

    function choose(index) {
      var found = query();
      var person = people[index];
      if (!found || !person) {
        return;
      }
      var end = input.selectionStart;
      var inserted = person.mention + " ";
      input.value = input.value.slice(0, found.start) + inserted + input.value.slice(end);
      var caret = found.start + inserted.length;
      input.setSelectionRange(caret, caret);
      close();
      input.focus();
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, position) {
        item.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
      }
    }

    function show(results) {
      list.innerHTML = "";
      people = results;
      if (!results.length) {
        close();
        return;
      }
      results.forEach(function (person, index) {
        var item = document.createElement("li");
        item.id = "mention-option-" + person.id;
        item.setAttribute("role", "option");
        item.dataset.mention = person.mention;
        var name = document.createElement("strong");
        name.textContent = person.name;
        item.appendChild(name);
        var detail = [person.mention, person.title, person.function].filter(Boolean).join(" · ");
        item.appendChild(document.createTextNode(" " + detail));
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus (and the caret) in the text box
          choose(index);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
    }

    input.addEventListener("input", function () {
      var found = query();
      if (!found) {
        close();
        return;
      }
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(found.text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === asked) {
            show(data.results || []);
          }
        })
        .catch(close);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden || !people.length) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : people.length - 1;
        highlight((active + step) % people.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("textarea[data-mention-input]").forEach(setUp);
})();
