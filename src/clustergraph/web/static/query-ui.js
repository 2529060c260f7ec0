/*
 * clustergraph query editor: YASGUI wired to this service only.
 *
 * The configuration comes from the page (<script id="cg-config">): the endpoint path, the
 * prefixes, the vocabulary terms and the example queries. YASGUI's lookups on other hosts are
 * replaced: prefixes and class/property autocompletion use the lists from the page (instead of
 * prefix.cc and the Linked Open Vocabularies service), the endpoint list holds this endpoint
 * only. A query in the URL fragment (#query=...&tabTitle=...) opens in a tab and runs.
 * Errors show the sentence of the problem details, not the JSON around it.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("cg-config").textContent);
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
  function renderProblem(error) {
    var problem;
    try { problem = JSON.parse(error.text || ""); } catch (e) { return undefined; }
    if (!problem || typeof problem !== "object" || !problem.title) return undefined;
    var box = element("div", "cg-problem");
    var status = problem.status ? " (" + problem.status + ")" : "";
    box.appendChild(element("p", "cg-problem-title", problem.title + status));
    box.appendChild(element("p", "cg-problem-detail", problem.detail || ""));
    if (problem.parser) {
      var more = element("details", "cg-problem-parser");
      more.appendChild(element("summary", "", (config.texts && config.texts.parser) || "The parser's own message"));
      more.appendChild(element("pre", "", problem.parser));
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

  window.clustergraphYasgui = yasgui;
})();
