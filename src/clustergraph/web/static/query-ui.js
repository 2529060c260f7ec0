/*
 * clustergraph query editor: YASGUI wired to this service only.
 *
 * The configuration comes from the page (<script id="cg-config">): the endpoint path, the
 * prefixes, the vocabulary terms and the example queries. YASGUI's lookups on other hosts are
 * replaced: prefixes and class/property autocompletion use the lists from the page (instead of
 * prefix.cc and the Linked Open Vocabularies service), the endpoint list holds this endpoint
 * only. A query in the URL fragment (#query=...&tabTitle=...) opens in a tab and runs.
 * Errors show the sentence of the problem details, not the JSON around it. On a German page
 * YASGUI's own texts are replaced with the German of pages/yasgui_texts.py.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("cg-config").textContent);
  var texts = config.texts;
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var endpoint = new URL(config.endpoint, window.location.href).href;

  var prefixLines = Object.keys(config.prefixes).sort().map(function (name) {
    return name + ": <" + config.prefixes[name] + ">";
  });
  // Forks keep YASQE's behaviour (typing "cg:" adds its PREFIX line) with local lists.
  Yasqe.forkAutocompleter("prefixes", { name: "cgPrefixes", get: prefixLines, persistenceId: "clustergraph_prefixes" }, false);
  Yasqe.forkAutocompleter("property", { name: "cgProperties", get: config.terms.properties, bulk: true, persistenceId: "clustergraph_properties" }, false);
  Yasqe.forkAutocompleter("class", { name: "cgClasses", get: config.terms.classes, bulk: true, persistenceId: "clustergraph_classes" }, false);
  // Set on the defaults object itself: merging a shorter array into the defaults would keep
  // the default (external) autocompleters in the remaining positions.
  Yasgui.defaults.yasqe.autocompleters = ["cgPrefixes", "variables", "cgProperties", "cgClasses"];
  Yasgui.defaults.yasqe.prefixCcApi = null;

  // A failed query answers with RFC 9457 problem details; YASR would show the raw JSON.
  // Show the sentence in "detail" (and the parser's own message folded away), and mark the
  // line the error is on until the query is edited again.
  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function markLine(line) {
    var yasqe = yasgui && yasgui.getTab() && yasgui.getTab().getYasqe();
    if (!yasqe || !line) return;
    var handle = yasqe.addLineClass(line - 1, "background", "cg-error-line");
    yasqe.on("change", function unmark() {
      yasqe.removeLineClass(handle, "background", "cg-error-line");
      yasqe.off("change", unmark);
    });
  }
  // The server's sentences are English; on a page in another language they are marked as such.
  function inEnglish(node) {
    if (texts.lang === "en") return node;
    node.lang = "en";
    node.classList.add("untranslated");
    var hint = element("span", "tag", texts.untranslated);
    hint.lang = texts.lang;
    node.appendChild(document.createTextNode(" "));
    node.appendChild(hint);
    return node;
  }
  function renderProblem(error) {
    var problem;
    try { problem = JSON.parse(error.text || ""); } catch (e) { return undefined; }
    if (!problem || typeof problem !== "object" || !problem.title) return undefined;
    var box = element("div", "cg-problem");
    var status = problem.status ? " (" + problem.status + ")" : "";
    var known = texts.problems && Object.prototype.hasOwnProperty.call(texts.problems, problem.title);
    var heading = element("p", "cg-problem-title", texts.failed + ": ");
    var title = element("span", "", (known ? texts.problems[problem.title] : problem.title) + status);
    if (!known && texts.lang !== "en") title.lang = "en";
    heading.appendChild(title);
    box.appendChild(heading);
    if (problem.detail) box.appendChild(inEnglish(element("p", "cg-problem-detail", problem.detail)));
    if (problem.parser) {
      var more = element("details", "cg-problem-parser");
      more.appendChild(element("summary", "", texts.parser));
      var dump = element("pre", "", problem.parser);
      dump.lang = "en";
      more.appendChild(dump);
      box.appendChild(more);
    }
    markLine(problem.line);
    return Promise.resolve(box);
  }
  Yasgui.Yasr.defaults.errorRenderers = [renderProblem];

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "clustergraph_yasgui",
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    corsProxy: undefined,
    copyEndpointOnNewTab: true,
    yasqe: { value: config.defaultQuery },
    yasr: { prefixes: config.prefixes },
  });

  var byName = {};
  config.examples.forEach(function (example) { byName[example.name] = example; });
  var picker = document.getElementById("cg-examples");
  if (picker) {
    picker.addEventListener("change", function () {
      var example = byName[picker.value];
      picker.value = "";
      if (!example) return;
      var tab = yasgui.addTab(
        true,
        { name: example.title, yasqe: { value: example.sparql }, requestConfig: { endpoint: endpoint } },
        { avoidDuplicateTabs: true }
      );
      tab.query().catch(function () { /* YASR shows the error */ });
    });
  }

  // YASGUI has no translations of its own: on a German page its texts and the titles and
  // labels of its controls are replaced from the page's table whenever YASGUI draws them.
  // The query, the answer and the result cells are never touched.
  if (texts.exact) {
    var patterns = texts.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
    var swap = function (number) {  // 1,234.5 -> 1.234,5
      return number.replace(/[.,]/g, function (c) { return c === "." ? texts.decimal : "."; });
    };
    var translate = function (text) {
      var trimmed = text.trim();
      if (!trimmed) return null;
      if (Object.prototype.hasOwnProperty.call(texts.exact, trimmed)) return text.replace(trimmed, texts.exact[trimmed]);
      for (var i = 0; i < patterns.length; i++) {
        var match = patterns[i][0].exec(trimmed);
        if (match) {
          var german = patterns[i][1].replace(/\$(\d)/g, function (_, n) {
            return /^[\d.,]+$/.test(match[n]) ? swap(match[n]) : match[n];
          });
          return text.replace(trimmed, german);
        }
      }
      return null;
    };
    var KEEP = ".CodeMirror-lines, td, th, pre, .cg-problem";
    var ATTRIBUTES = ["title", "aria-label", "placeholder"];
    var localise = function (root) {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        if (node.parentElement.closest(KEEP)) continue;
        var german = translate(node.nodeValue);
        if (german !== null && german !== node.nodeValue) node.nodeValue = german;
      }
      root.querySelectorAll("[title], [aria-label], [placeholder]").forEach(function (el) {
        if (el.closest(".CodeMirror-lines")) return;
        ATTRIBUTES.forEach(function (name) {
          var value = el.getAttribute(name);
          var german = value && translate(value);
          if (german !== null && german !== value && german) el.setAttribute(name, german);
        });
      });
    };
    var area = document.getElementById("yasgui");
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      // One pass per frame, after YASGUI has finished drawing.
      window.requestAnimationFrame(function () { pending = false; localise(area); });
    }).observe(area, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
    localise(area);
  }

  window.clustergraphYasgui = yasgui;
})();
