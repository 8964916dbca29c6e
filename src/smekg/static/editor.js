// The site's own query editor (Yasqe and Yasr, vendored): the canned queries, run on the endpoint the reader
// gives. Served over HTTP it defaults to the host's /sparql; opened from a file there is none, and it says so.
(function () {
  "use strict";
  const queries = JSON.parse(document.getElementById("canned-queries").textContent);
  const byName = new Map(queries.map((q) => [q.name, q]));
  const endpoint = document.getElementById("endpoint");
  const status = document.getElementById("endpoint-status");
  const NONE =
    "No SPARQL endpoint: this copy of the site is opened from a file. Run `smekg serve --site DIR` and open the " +
    "site there, or give the URL of a SPARQL endpoint that holds the release above.";

  const asked = new URLSearchParams(location.search);
  endpoint.value = asked.get("endpoint") || (location.protocol.startsWith("http") ? location.origin + "/sparql" : "");
  function explain() {
    status.textContent = endpoint.value.trim() ? "Queries run on " + endpoint.value.trim() + "." : NONE;
  }
  endpoint.addEventListener("input", explain);
  explain();

  // Accessible names the vendored widgets lack (axe-core: label, link-name, scrollable-region-focusable) are
  // added below. Only completers that need no network: the LOV class and property look-ups would leave the site.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasqe = new Yasqe(document.getElementById("yasqe"), {
    requestConfig: () => ({ endpoint: endpoint.value.trim(), method: "POST" }), // empty: Yasqe sends nothing
    persistenceId: null,
    resizeable: true,
  });
  const yasr = new Yasr(document.getElementById("yasr"), {
    persistenceId: null,
    pluginOrder: ["table", "response"],
    prefixes: JSON.parse(document.getElementById("prefixes").textContent),
  });
  yasqe.on("queryBefore", () => {
    if (!endpoint.value.trim()) {
      status.textContent = NONE;
      endpoint.focus();
    }
  });
  yasqe.on("queryResponse", (_editor, response, duration) => yasr.setResponse(response, duration));
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  document.querySelectorAll("#yasqe .CodeMirror-scroll").forEach((el) => el.setAttribute("tabindex", "0"));
  function name() {
    document.querySelectorAll("#yasr select.tableSizer").forEach((el) => el.setAttribute("aria-label", "Rows per page"));
    document.querySelectorAll("#yasr .yasr_external_ref_btn").forEach((el) => el.setAttribute("aria-label", "Yasr help"));
  }
  yasr.on("drawn", name);
  name();

  const select = document.getElementById("canned");
  const question = document.getElementById("question");
  function show(name) {
    const query = byName.get(name);
    if (!query) return;
    select.value = name;
    question.textContent = query.question;
    yasqe.setValue(query.text);
  }
  select.addEventListener("change", () => show(select.value));
  show(asked.get("name"));
})();
