// Suggestions for the header's search box: as the visitor types, ask /api/search and list the
// best matches; picking one opens its page.  Without JavaScript the box is a plain form that
// submits to /search.  Text goes into the page only through textContent (never as HTML).
(function () {
  "use strict";

  var DELAY_MS = 120;
  var LIMIT = 8;

  function setUp(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    if (!input || !list) {
      return;
    }
    var api = form.getAttribute("data-api");
    var resource = form.getAttribute("data-resource");
    var timer = null;
    var latest = 0;
    var items = [];
    var active = -1;

    function pageOf(iri) {
      return resource + "?iri=" + encodeURIComponent(iri);
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (item, i) {
        item.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].element.id);
        items[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(hit) {
      window.location.assign(pageOf(hit.iri));
    }

    function show(hits) {
      close();
      if (!hits.length) {
        return;
      }
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-iri", hit.iri);
        var name = document.createElement("span");
        name.className = "suggestion-label";
        name.textContent = hit.label;
        var meta = document.createElement("span");
        meta.className = "suggestion-meta";
        var parts = [hit.type];
        if (hit.code) {
          parts.push(hit.code);
        }
        if (hit.matched && hit.matched !== hit.label) {
          parts.push("matched “" + hit.matched + "”");
        }
        meta.textContent = parts.join(" · ");
        li.appendChild(name);
        li.appendChild(meta);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box until the page changes
          go(hit);
        });
        list.appendChild(li);
        items.push({ element: li, hit: hit });
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      var ticket = ++latest;
      var url = api + "?limit=" + LIMIT + "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (hits) {
          if (ticket === latest && Array.isArray(hits)) {
            show(hits);
          }
        })
        .catch(function () {
          if (ticket === latest) {
            close();
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        go(items[active].hit);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault(); // close the list only (Escape would also clear the box)
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("form.site-search").forEach(setUp);
})();
