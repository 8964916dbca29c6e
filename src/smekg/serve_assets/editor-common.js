// The query editor's common part, for `smekg serve`'s editor (query.js) and the static site's (editor.js); serve
// sends it from serve_assets/, `smekg site` copies it into static/. Yasqe (editor) and Yasr (results) on the
// page's #yasqe and #yasr, the canned queries of #canned-queries in the #canned picker (?name=NAME opens one),
// and the accessible names and keyboard access the vendored widgets lack (axe-core: label, select-name,
// link-name, scrollable-region-focusable). requestConfig is Yasqe's: where and how queries are sent.
window.smekgEditor = function (requestConfig) {
  "use strict";
  const queries = JSON.parse(document.getElementById("canned-queries").textContent);
  const byName = new Map(queries.map((q) => [q.name, q]));

  // Only completers that need no network: the LOV class and property look-ups would leave the machine.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasqe = new Yasqe(document.getElementById("yasqe"), {
    requestConfig: requestConfig,
    persistenceId: null,
    resizeable: true,
  });
  const yasr = new Yasr(document.getElementById("yasr"), {
    persistenceId: null,
    pluginOrder: ["table", "response"],
    prefixes: JSON.parse(document.getElementById("prefixes").textContent),
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
  show(new URLSearchParams(location.search).get("name"));
  return yasqe;
};
