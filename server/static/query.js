/* careerkg query page: YASGUI on this server's SPARQL endpoint, with no outside services.
 *
 * - the query lives in the page URL (/query?query=...), so the address bar can be shared;
 * - the canned-query library loads a query into the editor and runs it;
 * - IRIs in results link to this server's pages (/resource?iri=..., which forwards careerkg
 *   IRIs to /id/... and /ontology), never to the outside; no other link in the results may
 *   run script (javascript:, data:, vbscript: hrefs are removed);
 * - a page opened with run=1 already carries the server's answer: it is shown, not re-run;
 * - LOV class/property completion (an outside service) is off; nothing is stored locally.
 * Without JavaScript (or without the YASGUI files) the plain form of the page is used instead.
 */
(function () {
  "use strict";

  var settingsEl = document.getElementById("careerkg-settings");
  var Yasgui = window.Yasgui;
  if (!settingsEl || typeof Yasgui !== "function") {
    return;
  }
  var settings = JSON.parse(settingsEl.textContent);
  var OUTSIDE_COMPLETERS = ["class", "property"];

  function localUrl(iri) {
    return settings.links.resourcePath + "?iri=" + encodeURIComponent(iri);
  }

  function pageUrl(query) {
    return settings.page + "?query=" + encodeURIComponent(query);
  }

  function endpointUrl(query, format) {
    return settings.endpoint + "?query=" + encodeURIComponent(query) +
      "&format=" + encodeURIComponent(format);
  }

  // Turn the outside autocompleters off for every editor, before any is made.
  [Yasgui.Yasqe.defaults.autocompleters, Yasgui.defaults.yasqe.autocompleters].forEach(
    function (list) {
      if (!Array.isArray(list)) {
        return;
      }
      for (var i = list.length - 1; i >= 0; i -= 1) {
        if (OUTSIDE_COMPLETERS.indexOf(list[i]) >= 0) {
          list.splice(i, 1);
        }
      }
    }
  );
  if (Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table) {
    Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  }

  var editor = document.getElementById("editor");
  var plain = document.getElementById("plain-query");
  editor.hidden = false;
  plain.hidden = true;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: settings.endpoint }];
      },
      keys: [],
    },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: {
      value: settings.query,
      persistenceId: null,
      collapsePrefixesOnLoad: !settings.fromUrl,
      consumeShareLink: null,
      createShareableLink: function (yasqe) {
        return window.location.origin + pageUrl(yasqe.getValue());
      },
    },
    yasr: {
      persistenceId: null,
      prefixes: settings.prefixes,
    },
  });

  var downloads = document.getElementById("downloads");
  var csvLink = document.getElementById("download-csv");
  var jsonLink = document.getElementById("download-json");

  function showDownloads(tab) {
    var query = tab.getQuery();
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(tab.getYasqe().getQueryType() || "");
    csvLink.textContent = graph ? "Turtle" : "CSV";
    csvLink.href = endpointUrl(query, graph ? "turtle" : "csv");
    csvLink.setAttribute("download", graph ? "results.ttl" : "results.csv");
    jsonLink.textContent = graph ? "JSON-LD" : "JSON";
    jsonLink.href = endpointUrl(query, graph ? "jsonld" : "json");
    jsonLink.setAttribute("download", graph ? "results.jsonld" : "results.json");
    downloads.hidden = false;
  }

  function keepInUrl(tab) {
    window.history.replaceState(null, "", pageUrl(tab.getQuery()));
  }

  function currentTab() {
    return yasgui.getTab();
  }

  yasgui.on("query", function (_instance, tab) {
    keepInUrl(tab);
  });
  yasgui.on("queryResponse", function (_instance, tab) {
    showDownloads(tab);
  });
  var editTimer = null;
  yasgui.on("tabChange", function (_instance, tab) {
    window.clearTimeout(editTimer);
    editTimer = window.setTimeout(function () {
      keepInUrl(tab);
    }, 400);
  });

  // Links in results go to this server's pages; nothing in the results may run script.
  var SCHEME = /^\s*([a-z][a-z0-9+.-]*):/i;
  var SCRIPTING = /^(javascript|data|vbscript)$/i;
  function rewriteLinks(root) {
    var anchors = root.querySelectorAll ? root.querySelectorAll(".yasr a[href]") : [];
    Array.prototype.forEach.call(anchors, function (a) {
      if (a.dataset.iri || a.closest(".yasr_header")) {
        return;
      }
      var href = a.getAttribute("href") || "";
      var scheme = SCHEME.exec(href);
      if (a.classList.contains("iri") && scheme) {
        a.dataset.iri = href;
        a.title = href;
        a.href = localUrl(href);
        a.removeAttribute("target");
      } else if (scheme && SCRIPTING.test(scheme[1])) {
        a.removeAttribute("href");
      }
    });
  }
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      Array.prototype.forEach.call(m.addedNodes, function (node) {
        if (node.nodeType === 1) {
          rewriteLinks(node.parentNode || node);
        }
      });
    });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // The library: one click loads a canned query and runs it.
  var library = {};
  settings.library.forEach(function (item) {
    library[item.name] = item;
  });
  Array.prototype.forEach.call(document.querySelectorAll("a[data-canned]"), function (a) {
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return;
      }
      var item = library[a.dataset.canned];
      if (!item) {
        return;
      }
      event.preventDefault();
      var tab = currentTab();
      tab.setQuery(item.query);
      tab.query().catch(function () {});
    });
  });

  if (settings.fromUrl) {
    var tab = currentTab();
    tab.setQuery(settings.query);
    if (settings.answer) {
      // The server ran it already (run=1): show that answer rather than ask again.
      tab.getYasr().setResponse(settings.answer);
      if (!settings.answer.error) {
        showDownloads(tab);
      }
    } else {
      tab.query().catch(function () {});
    }
  }
})();
