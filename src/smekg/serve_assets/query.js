// The query editor: Yasqe (editor) and Yasr (results) on this server's /sparql, with the canned queries.
(function () {
  "use strict";
  const queries = JSON.parse(document.getElementById("canned-queries").textContent);
  const byName = new Map(queries.map((q) => [q.name, q]));
  const endpoint = new URL("sparql", document.baseURI).href;

  // Only completers that need no network: the LOV class and property look-ups would leave this server.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasqe = new Yasqe(document.getElementById("yasqe"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    persistenceId: null,
    resizeable: true,
  });
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const yasr = new Yasr(document.getElementById("yasr"), {
    persistenceId: null,
    pluginOrder: ["table", "response"],
    prefixes: prefixes,
  });
  yasqe.on("queryResponse", (_editor, response, duration) => yasr.setResponse(response, duration));

  // Accessible names and keyboard access the vendored widgets lack (axe-core: label, select-name,
  // scrollable-region-focusable).
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  document.querySelectorAll("#yasqe .CodeMirror-scroll").forEach((el) => el.setAttribute("tabindex", "0"));
  yasr.on("drawn", () => {
    document.querySelectorAll("#yasr select.tableSizer").forEach((el) => el.setAttribute("aria-label", "Rows per page"));
  });

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
  const asked = new URLSearchParams(location.search).get("name");
  if (asked) show(asked);
})();
