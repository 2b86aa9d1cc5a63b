/* careerkg query page: YASGUI on this server's SPARQL endpoint, with no outside services.
 *
 * - the query lives in the page URL (/query?query=...), so the address bar can be shared;
 * - the canned-query library loads a query into the editor and runs it;
 * - IRIs in results link to this server's pages (/resource?iri=..., which forwards careerkg
 *   IRIs to /id/... and /ontology), never to the outside; no other link in the results may
 *   run script (javascript:, data:, vbscript: hrefs are removed);
 * - a page opened with run=1 already carries the server's answer: it is shown, not re-run;
 * - LOV class/property completion (an outside service) is off; nothing is stored locally;
 * - an error reads as a message with its line and column (the query line, a caret under
 *   the place), never the raw answer; the download links show only beside an answer;
 * - result cells show prefixed names (or the end of an IRI, its local code always visible),
 *   literals without quotes or datatype tags (those are in the cell's title, on hover);
 * - a canned query picked from the library brings its answer into view.
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
  var yasgui = null;
  var downloads = document.getElementById("downloads");
  var csvLink = document.getElementById("download-csv");
  var jsonLink = document.getElementById("download-json");
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

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return HTML_ESCAPES[c];
    });
  }

  // An IRI as a person reads it: prefix:local with the longest known namespace, else the
  // end of the IRI (its last two steps, so a code such as 15-2051.00 is always whole).
  function shortIri(iri, prefixes) {
    var best = null;
    Object.keys(prefixes || {}).forEach(function (prefix) {
      var ns = prefixes[prefix];
      if (ns && iri.indexOf(ns) === 0 && iri.length > ns.length &&
          (best === null || ns.length > prefixes[best].length)) {
        best = prefix;
      }
    });
    if (best !== null) {
      return best + ":" + iri.slice(prefixes[best].length);
    }
    if (iri.length <= 40) {
      return iri;
    }
    var trimmed = iri.replace(/[/#]+$/, "");
    var last = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("#"));
    var before = last > 0 ? Math.max(trimmed.lastIndexOf("/", last - 1),
                                     trimmed.lastIndexOf("#", last - 1)) : -1;
    var cut = before > 8 ? before : last;
    return cut > 8 ? "…" + iri.slice(cut) : iri;
  }

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  function cellHtml(binding, prefixes) {
    if (!binding) {
      return "";
    }
    var value = binding.value == null ? "" : String(binding.value);
    if (binding.type === "uri") {
      return '<a class="iri" href="' + escapeHtml(localUrl(value)) + '" data-iri="' +
        escapeHtml(value) + '" title="' + escapeHtml(value) + '">' +
        escapeHtml(shortIri(value, prefixes)) + "</a>";
    }
    if (binding.type === "bnode") {
      return '<span class="bnode">_:' + escapeHtml(value) + "</span>";
    }
    var lang = binding["xml:lang"];
    var datatype = binding.datatype;
    var tag = lang ? "language: " + lang
      : datatype ? (datatype.indexOf(XSD) === 0 ? "xsd:" + datatype.slice(XSD.length)
                                                : shortIri(datatype, prefixes)) : "";
    var numeric = /#(decimal|integer|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|gYear)$/.test(datatype || "");
    return '<span class="literal' + (numeric ? " number" : "") + '"' +
      (tag ? ' title="' + escapeHtml(tag) + '"' : "") +
      (lang ? ' lang="' + escapeHtml(lang) + '"' : "") + ">" + escapeHtml(value) + "</span>";
  }

  // The endpoint's error ({"error": {message, line, column, reason}}, or plain text) as a
  // message, with the query's line and a caret under the place when it has one.
  function parseError(text) {
    try {
      var parsed = JSON.parse(text);
      if (parsed && parsed.error) {
        return parsed.error;
      }
    } catch (ignored) {
      // plain text
    }
    return { message: String(text || "the query failed").replace(/^Error \d+ \([^)]*\):\s*/, "") };
  }

  function renderError(error) {
    var problem = parseError(error && error.text);
    var box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "query-error-title";
    var line = Number(problem.line);
    var column = Number(problem.column);
    var where = line > 0 ? "Line " + line + (column > 0 ? ", column " + column : "") : "";
    title.textContent = where ? "The query has an error — " + where : "The query failed";
    box.appendChild(title);
    var message = document.createElement("p");
    message.className = "query-error-message";
    message.textContent = problem.reason || problem.message || "";
    box.appendChild(message);
    var tab = yasgui ? yasgui.getTab() : null;
    if (line > 0 && tab) {
      var text = tab.getQuery().split("\n")[line - 1];
      if (text !== undefined) {
        var snippet = document.createElement("pre");
        snippet.className = "query-error-line";
        var caret = column > 0 ? "\n" + " ".repeat(Math.min(column - 1, text.length)) + "^" : "";
        snippet.textContent = text + caret;
        box.appendChild(snippet);
        var go = document.createElement("button");
        go.type = "button";
        go.className = "query-error-go";
        go.textContent = "Show the place in the editor";
        go.addEventListener("click", function () {
          var cm = tab.getYasqe();
          cm.focus();
          cm.setCursor({ line: line - 1, ch: Math.max(column - 1, 0) });
          cm.getWrapperElement().scrollIntoView({ block: "center" });
        });
        box.appendChild(go);
      }
    }
    hideDownloads();
    return Promise.resolve(box);
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
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table) {
    Table.defaults.openIriInNewWindow = false;
    Table.prototype.getCellContent = function (binding, prefixes) {
      return "<div>" + cellHtml(binding, prefixes) + "</div>";
    };
    // Sorting and filtering read a cell's value as escaped text: YASR would hand the raw
    // value to DOMPurify, which parses it as HTML (Chromium then reports the inline
    // handlers of a hostile label as CSP violations).
    var getColumns = Table.prototype.getColumns;
    Table.prototype.getColumns = function () {
      var table = this;
      var prefixes = this.yasr.getPrefixes();
      return getColumns.call(this).map(function (column, index) {
        if (index === 0) {
          return column;
        }
        column.render = function (binding, type) {
          if (!binding) {
            return "";
          }
          if (type === "filter" || type === "sort" || !type) {
            return escapeHtml(binding.value == null ? "" : binding.value);
          }
          return table.getCellContent(binding, prefixes);
        };
        return column;
      });
    };
    // Whole cells by default (an ellipsis cut O*NET IRIs just before their code).
    var draw = Table.prototype.draw;
    Table.prototype.draw = function (config) {
      var own = Object.assign({}, config || {});
      if (own.isEllipsed === undefined) {
        own.isEllipsed = false;
      }
      return draw.call(this, own);
    };
  }
  if (Yasgui.Yasr) {
    Yasgui.Yasr.defaults.errorRenderers = [renderError];
  }

  var editor = document.getElementById("editor");
  var plain = document.getElementById("plain-query");
  editor.hidden = false;
  plain.hidden = true;

  yasgui = new Yasgui(document.getElementById("yasgui"), {
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

  function hideDownloads() {
    downloads.hidden = true;
    csvLink.removeAttribute("href");
    jsonLink.removeAttribute("href");
  }

  function keepInUrl(tab) {
    window.history.replaceState(null, "", pageUrl(tab.getQuery()));
  }

  function currentTab() {
    return yasgui.getTab();
  }

  var revealAnswer = false;
  yasgui.on("query", function (_instance, tab) {
    hideDownloads();
    keepInUrl(tab);
  });
  yasgui.on("queryResponse", function (_instance, tab) {
    // YASR takes the response after this event: look once it has.
    window.setTimeout(function () {
      var results = tab.getYasr().results;
      if (results && !results.hasError()) {
        showDownloads(tab);
      } else {
        hideDownloads();
      }
      if (revealAnswer) {
        revealAnswer = false;
        var shown = Array.prototype.filter.call(
          document.querySelectorAll("#yasgui .yasr"), function (el) {
            return el.offsetParent !== null;
          });
        (shown[0] || document.getElementById("yasgui")).scrollIntoView({ block: "start" });
      }
    }, 0);
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
      revealAnswer = true;
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
