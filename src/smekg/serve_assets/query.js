// The query editor of `smekg serve` (editor-common.js) on this server's own /sparql.
smekgEditor({ endpoint: new URL("sparql", document.baseURI).href, method: "POST" });
