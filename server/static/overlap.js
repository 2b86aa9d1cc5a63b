/* careerkg /overlap: draw the role network with Cytoscape.js (static/vendor, no CDN).
 *
 * The page's settings (a JSON block) name the URL of the view as node-link JSON
 * (/api/overlap-graph?format=json&...), whose nodes carry label, kind, layer, status
 * (role / shared / specific), category, degree and href (their page on this server).
 * The role network (mode "network") reads /api/role-network instead: roles laid out by the
 * server, drawn by Cytoscape.js, their links drawn on a canvas layer under it (linkLayer).
 * Text from the graph is only ever drawn on the canvas or set with textContent.
 * window.careerkgOverlap.cy is the Cytoscape instance (for the console and the tests).
 */
(function () {
  "use strict";

  var settingsEl = document.getElementById("overlap-settings");
  var container = document.getElementById("overlap-graph");
  if (!settingsEl || !container || typeof window.cytoscape !== "function") {
    return;
  }
  var settings = JSON.parse(settingsEl.textContent);
  var info = document.getElementById("node-info");
  var COLOURS = {
    role: "#1d3557", shared: "#2e8540", specific: "#9aa5ad", industry: "#7b4fa0"
  };
  var KIND_NAMES = {
    skill: "skills", "programming-language": "programming languages", framework: "frameworks",
    library: "libraries", software: "software", tool: "other tools", industry: "industries"
  };

  function say(text) {
    if (info) {
      info.textContent = text;
    }
  }

  function isLocalPath(href) {
    return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/";
  }

  function elementsOf(data) {
    var nodes = data.nodes.map(function (n) {
      return {
        group: "nodes",
        data: {
          id: n.id, label: n.label || n.id, kind: n.kind || "", layer: n.layer || "",
          status: n.layer === "industry" ? "industry" : (n.status || ""),
          category: n.category || "", categoryLabel: n.category_label || "",
          degree: n.degree || 0, sharedBy: n.shared_by || 0, href: n.href || "",
          center: n.id === data.graph.center ? 1 : 0
        }
      };
    });
    var edges = data.edges.map(function (e, i) {
      return { group: "edges", data: { id: "e" + i, source: e.source, target: e.target } };
    });
    return nodes.concat(edges);
  }

  function sizer(maxDegree, small, large) {
    return function (ele) {
      var d = ele.data("degree");
      if (maxDegree <= 1) {
        return small;
      }
      return small + (large - small) * Math.sqrt((d - 1) / (maxDegree - 1));
    };
  }

  function styles(maxDegree) {
    var size = sizer(maxDegree, 14, 56);
    return [
      { selector: "node", style: {
        "background-color": function (ele) { return COLOURS[ele.data("status")] || COLOURS.specific; },
        label: "data(label)", width: size, height: size, "font-size": 10, color: "#1d2327",
        "text-valign": "bottom", "text-margin-y": 2, "min-zoomed-font-size": 7,
        "text-wrap": "ellipsis", "text-max-width": 120
      } },
      { selector: "node[layer = 'role']", style: {
        shape: "round-rectangle", "font-weight": "bold", "font-size": 12, color: "#1d3557",
        "min-zoomed-font-size": 0
      } },
      { selector: "node[layer = 'industry']", style: { shape: "diamond" } },
      { selector: "node[center = 1]", style: { "border-width": 4, "border-color": "#e8b84a" } },
      { selector: "edge", style: { width: 1, "line-color": "#c9d1d7", opacity: 0.8 } },
      { selector: ".faded", style: { opacity: 0.15 } },
      { selector: ".match", style: { "border-width": 3, "border-color": "#d9534f" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#0b63a8" } }
    ];
  }

  function fillFilters(cy, apply) {
    var kinds = {};
    var categories = {};
    cy.nodes().forEach(function (n) {
      if (n.data("layer") === "role") {
        return;
      }
      kinds[n.data("kind")] = true;
      if (n.data("category")) {
        categories[n.data("category")] = n.data("categoryLabel") || n.data("category");
      }
    });
    var box = document.getElementById("kind-filters");
    Object.keys(kinds).sort().forEach(function (kind) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = kind;
      input.addEventListener("change", apply);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + (KIND_NAMES[kind] || kind)));
      box.appendChild(label);
    });
    var select = document.getElementById("category-filter");
    Object.keys(categories).sort(function (a, b) {
      return categories[a].localeCompare(categories[b]);
    }).forEach(function (iri) {
      var option = document.createElement("option");
      option.value = iri;
      option.textContent = categories[iri];
      select.appendChild(option);
    });
    select.addEventListener("change", apply);
    document.getElementById("overlap-tools").hidden = false;
  }

  function filterer(cy) {
    return function () {
      var shown = {};
      document.querySelectorAll("#kind-filters input").forEach(function (input) {
        shown[input.value] = input.checked;
      });
      var category = document.getElementById("category-filter").value;
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          var visible = n.data("layer") === "role" ||
            (shown[n.data("kind")] !== false && (!category || n.data("category") === category));
          n.style("display", visible ? "element" : "none");
        });
      });
    };
  }

  // onSearch (optional) is told the text searched for ("" when the box is emptied).
  function searcher(cy, onSearch) {
    var input = document.getElementById("node-search");
    var count = document.getElementById("search-count");
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      if (onSearch) {
        onSearch(text);
      }
      cy.batch(function () {
        cy.elements().removeClass("faded match");
        if (!text) {
          return;
        }
        var hits = cy.nodes().filter(function (n) {
          return n.data("label").toLowerCase().indexOf(text) !== -1;
        });
        cy.elements().not(hits).addClass("faded");
        hits.addClass("match");
        if (hits.length) {
          cy.fit(hits, 60);
        }
      });
      count.textContent = text ? cy.nodes(".match").length + " found" : "";
    });
  }

  function describe(node) {
    var parts = [node.data("label")];
    if (node.data("layer") === "role") {
      parts.push("role, " + node.data("degree") + " requirements shown");
    } else {
      parts.push((node.data("kind") || "").replace(/-/g, " "));
      if (node.data("categoryLabel")) {
        parts.push(node.data("categoryLabel"));
      }
      parts.push("required by " + node.data("sharedBy") + " role(s) of the view");
    }
    return parts.join(" — ") + ". Click to open its page.";
  }

  // An ego network (a centre role) is drawn in rings: the centre, the roles like it, then
  // the requirements, the most shared innermost.  Other views use a force-directed layout.
  function layoutFor(data) {
    if (data.graph.center) {
      return {
        name: "concentric", animate: false, minNodeSpacing: 6, avoidOverlap: true,
        concentric: function (node) {
          if (node.data("center")) {
            return 1000;
          }
          return node.data("layer") === "role" ? 500 : node.data("sharedBy");
        },
        levelWidth: function () { return 1; }
      };
    }
    return {
      name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function () { return 60; }, nodeRepulsion: function () { return 9000; }
    };
  }

  // A click (tap) on a node opens its page here; hovering says what it is.
  function wire(cy, describeNode) {
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (isLocalPath(href)) {
        window.location.assign(href);
      }
    });
    cy.on("mouseover", "node", function (event) { say(describeNode(event.target)); });
    cy.on("mouseout", "node", function () { say(""); });
  }

  function draw(data) {
    container.textContent = "";
    var maxDegree = data.nodes.reduce(function (m, n) { return Math.max(m, n.degree || 0); }, 1);
    var cy = window.cytoscape({
      container: container,
      elements: elementsOf(data),
      style: styles(maxDegree),
      layout: layoutFor(data),
      minZoom: 0.1,
      maxZoom: 4
    });
    wire(cy, describe);
    fillFilters(cy, filterer(cy));
    searcher(cy);
    window.careerkgOverlap = { cy: cy, settings: settings };
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-ready", "true");
  }

  function fail(message) {
    container.classList.add("is-error");
    container.textContent = "";
    var p = document.createElement("p");
    p.className = "notice error";
    p.textContent = "The network could not be drawn: " + message;
    container.appendChild(p);
  }

  // -- the role network (settings.mode === "network"): positions come from the server, so
  // drawing is a preset layout; labels of hub roles show at any zoom, the others once
  // zoomed in far enough to read them.  An edge's source and target are positions in
  // data.nodes.
  function networkNodes(data) {
    var links = data.nodes.map(function () { return 0; });
    data.edges.forEach(function (e) {
      links[e.source] += 1;
      links[e.target] += 1;
    });
    return data.nodes.map(function (n, i) {
      return {
        group: "nodes", position: { x: n.x, y: n.y },
        data: {
          id: n.id, label: n.label || n.id, colour: n.colour || "#9aa5ad",
          community: n.community, hub: n.hub ? 1 : 0, center: n.center ? 1 : 0,
          href: n.href || "", codes: (n.codes || []).join(", "), links: links[i]
        }
      };
    });
  }

  // The links are drawn on a canvas of their own under Cytoscape's, not as Cytoscape
  // edges: a few thousand edges are most of Cytoscape's work before its first frame (a
  // style, a projection and a cached drawing each), while the lines alone take a few
  // milliseconds.  Straight lines 0.5 to 4 wide by weight (in the graph's units, so they
  // scale with the zoom, as Cytoscape's would), in one path per width; the layer follows
  // Cytoscape's pan and zoom and fades while a search highlights roles.
  function linkLayer(cy, data) {
    var canvas = document.createElement("canvas");
    canvas.className = "link-layer";
    canvas.setAttribute("aria-hidden", "true");
    container.insertBefore(canvas, container.firstChild);
    var byWidth = {};
    data.edges.forEach(function (e) {
      var width = (Math.round((0.5 + 3.5 * e.weight) * 4) / 4).toFixed(2);
      (byWidth[width] = byWidth[width] || []).push(data.nodes[e.source], data.nodes[e.target]);
    });
    var faded = false, pending = false;

    function draw() {
      pending = false;
      var ratio = window.devicePixelRatio || 1;
      var width = container.clientWidth, height = container.clientHeight;
      if (canvas.width !== Math.round(width * ratio) ||
          canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        canvas.style.width = width + "px";
        canvas.style.height = height + "px";
      }
      var context = canvas.getContext("2d");
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      var zoom = cy.zoom(), pan = cy.pan();
      context.setTransform(zoom * ratio, 0, 0, zoom * ratio, pan.x * ratio, pan.y * ratio);
      context.strokeStyle = "#b7c2ca";
      context.globalAlpha = faded ? 0.12 : 0.7;
      Object.keys(byWidth).forEach(function (lineWidth) {
        var ends = byWidth[lineWidth];
        context.lineWidth = Number(lineWidth);
        context.beginPath();
        for (var i = 0; i < ends.length; i += 2) {
          context.moveTo(ends[i].x, ends[i].y);
          context.lineTo(ends[i + 1].x, ends[i + 1].y);
        }
        context.stroke();
      });
    }

    function later() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(draw);
      }
    }
    cy.on("viewport resize", later);
    window.addEventListener("resize", later);
    draw();
    return {
      canvas: canvas,
      count: data.edges.length,
      fade: function (on) {
        faded = on;
        later();
      }
    };
  }

  // Labels cost Cytoscape a text measure each: in a big network only hubs, matches of the
  // search and nodes given the class "labelled" (by labelWhenZoomed) carry one.  A label
  // is drawn once its size on the screen (font size x zoom) is READABLE pixels or more.
  var LABEL_FONT = 9, READABLE = 9;

  function networkStyles(count) {
    var small = count <= 80;
    return [
      { selector: "node", style: {
        "background-color": "data(colour)", width: 14, height: 14,
        "font-size": small ? 11 : LABEL_FONT, color: "#1d2327", "text-valign": "bottom",
        "text-margin-y": 2, "min-zoomed-font-size": small ? 0 : READABLE,
        // wrapping and a backdrop cost a measure per label: only for small networks
        "text-wrap": small ? "wrap" : "none", "text-max-width": 110,
        "text-background-color": "#fff", "text-background-opacity": small ? 0.7 : 0
      } },
      { selector: small ? "node" : "node[hub = 1], node.labelled, node.match",
        style: { label: "data(label)" } },
      { selector: "node[hub = 1]", style: {
        width: 20, height: 20, "font-size": small ? 12 : 14, "font-weight": "bold",
        "min-zoomed-font-size": 0, "z-index": 10
      } },
      { selector: "node[center = 1]", style: { "border-width": 4, "border-color": "#e8b84a" } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: ".match", style: { "border-width": 3, "border-color": "#d9534f",
                                     "min-zoomed-font-size": 0 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#0b63a8" } }
    ];
  }

  // Once zoomed in far enough for a label to be read, the nodes on the screen get theirs
  // (a few hundred at most at that zoom); they keep them.
  function labelWhenZoomed(cy) {
    var pending = false;
    function update() {
      pending = false;
      if (cy.zoom() * LABEL_FONT < READABLE) {
        return;
      }
      var box = cy.extent();
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          var p = n.position();
          if (p.x >= box.x1 && p.x <= box.x2 && p.y >= box.y1 && p.y <= box.y2 &&
              !n.hasClass("labelled")) {
            n.addClass("labelled");
          }
        });
      });
    }
    cy.on("viewport", function () {
      if (!pending) {
        pending = true;
        window.setTimeout(update, 120);
      }
    });
  }

  // The zoom and pan that fit the nodes' positions in the container, so that Cytoscape does
  // not measure every element's bounding box before the first frame.
  function fitted(data, margin, minZoom, maxZoom) {
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    data.nodes.forEach(function (n) {
      x1 = Math.min(x1, n.x); x2 = Math.max(x2, n.x);
      y1 = Math.min(y1, n.y); y2 = Math.max(y2, n.y);
    });
    var width = container.clientWidth, height = container.clientHeight;
    if (!data.nodes.length || !width || !height) {
      return null;
    }
    var zoom = Math.min((width - 2 * margin) / Math.max(x2 - x1, 1),
                        (height - 2 * margin) / Math.max(y2 - y1, 1));
    zoom = Math.max(minZoom, Math.min(maxZoom, zoom));
    return { zoom: zoom, pan: { x: (width - zoom * (x1 + x2)) / 2,
                                y: (height - zoom * (y1 + y2)) / 2 } };
  }

  function describeRole(node) {
    var parts = [node.data("label")];
    if (node.data("codes")) {
      parts.push(node.data("codes"));
    }
    parts.push(node.data("links") + " links, community " + (node.data("community") + 1));
    return parts.join(" — ") + ". Click to open its page.";
  }

  function colourSwatches() {
    document.querySelectorAll(".nearest-table .swatch[data-colour]").forEach(function (el) {
      var colour = el.getAttribute("data-colour");
      if (/^#[0-9a-fA-F]{6}$/.test(colour)) {
        el.style.backgroundColor = colour;
      }
    });
  }

  function drawNetwork(data, fetched) {
    var started = window.performance.now();
    container.textContent = "";
    var big = data.nodes.length > 300;
    var minZoom = 0.05, maxZoom = 5;
    // a margin of a hub's size and a label's height around the outermost nodes
    var view = fitted(data, 30, minZoom, maxZoom);
    var cy = window.cytoscape({
      container: container,
      elements: networkNodes(data),
      style: networkStyles(data.nodes.length),
      layout: view ? { name: "preset", fit: false } : { name: "preset", fit: true, padding: 20 },
      zoom: view ? view.zoom : 1, pan: view ? view.pan : { x: 0, y: 0 },
      minZoom: minZoom, maxZoom: maxZoom,
      pixelRatio: big ? 1 : "auto"
    });
    var links = linkLayer(cy, data);
    wire(cy, describeRole);
    searcher(cy, function (text) { links.fade(text !== ""); });
    labelWhenZoomed(cy);
    document.getElementById("overlap-tools").hidden = false;
    var timing = { fetched: fetched, started: started, built: window.performance.now() };
    window.careerkgOverlap = { cy: cy, settings: settings, timing: timing, links: links };

    cy.ready(function () {
      // The first frame after the draw: the view is on the screen.
      window.requestAnimationFrame(function () {
        timing.drawn = window.performance.now();
        container.setAttribute("data-nodes", String(cy.nodes().length));
        container.setAttribute("data-ready", "true");
      });
    });
  }

  // The role network's page runs this script before its table is read.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", colourSwatches);
  } else {
    colourSwatches();
  }
  if (settings.mode === "network" && container.offsetWidth === 0) {
    // A phone: the graph's box is hidden and the table below is the view.
    container.setAttribute("data-ready", "list");
    return;
  }
  say("Loading the network…");
  fetch(settings.graph, { credentials: "same-origin" })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error((body.error && body.error.message) || response.statusText);
        }
        return body;
      });
    })
    .then(function (data) {
      var fetched = window.performance.now();
      say("");
      if (settings.mode === "network") {
        drawNetwork(data, fetched);
      } else {
        draw(data);
      }
    })
    .catch(function (error) { say(""); fail(error.message); });
}());
