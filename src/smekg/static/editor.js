// The site's own query editor (editor-common.js), run on the endpoint the reader gives. Served over HTTP it
// defaults to the host's /sparql; opened from a file there is none, and it says so.
(function () {
  "use strict";
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

  // An empty endpoint: Yasqe sends nothing, and the reader is told why.
  const yasqe = smekgEditor(() => ({ endpoint: endpoint.value.trim(), method: "POST" }));
  yasqe.on("queryBefore", () => {
    if (!endpoint.value.trim()) {
      status.textContent = NONE;
      endpoint.focus();
    }
  });
})();
