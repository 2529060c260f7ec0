/*
 * clustergraph query editor: YASGUI wired to this service only.
 *
 * The configuration comes from the page (<script id="cg-config">): the endpoint path, the
 * prefixes, the vocabulary terms and the example queries. YASGUI's lookups on other hosts are
 * replaced: prefixes and class/property autocompletion use the lists from the page (instead of
 * prefix.cc and the Linked Open Vocabularies service), the endpoint list holds this endpoint
 * only. A query in the URL fragment (#query=...&tabTitle=...) opens in a tab and runs.
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
