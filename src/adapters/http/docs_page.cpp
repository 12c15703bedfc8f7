#include "adapters/http/docs_page.hpp"

namespace bookstore::http {

std::string_view docs_page_html() {
  static constexpr std::string_view kPage = R"DOCS(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bookstore API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #222; }
  h1 { margin-bottom: 0; } .version { color: #777; }
  h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; text-transform: capitalize; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .5rem 0; }
  summary { cursor: pointer; padding: .5rem .75rem; display: flex; gap: .75rem; align-items: baseline; }
  .method { font: bold 12px monospace; padding: .15rem .45rem; border-radius: 4px; color: #fff; min-width: 3.5rem; text-align: center; }
  .get { background: #2b7bb9; } .post { background: #2f9e44; } .put { background: #e67700; }
  .patch { background: #9c36b5; } .delete { background: #c92a2a; }
  .path { font-family: monospace; font-weight: 600; } .summary { color: #555; }
  .body { padding: .25rem 1rem 1rem; border-top: 1px solid #eee; }
  table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; }
  th, td { text-align: left; border-bottom: 1px solid #eee; padding: .25rem .5rem; vertical-align: top; }
  code, pre { font-family: monospace; background: #f6f8fa; border-radius: 4px; }
  pre { padding: .5rem; overflow: auto; font-size: 12px; }
  .error { color: #c92a2a; }
</style>
</head>
<body>
<h1 id="title">bookstore API</h1>
<p class="version" id="version"></p>
<p id="description"></p>
<p><a href="/openapi.json">openapi.json</a></p>
<div id="content">Loading the API description...</div>
<script>
"use strict";
const el = (tag, attrs, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) if (c != null) e.append(c);
  return e;
};
const deref = (doc, obj) => {
  let seen = 0;
  while (obj && obj.$ref && seen++ < 10) {
    obj = obj.$ref.replace(/^#\//, "").split("/").reduce((o, k) => (o ? o[k] : undefined), doc);
  }
  return obj || {};
};
const schemaText = (doc, schema) => JSON.stringify(deref(doc, schema), null, 2);
function renderOperation(doc, path, method, op) {
  const body = el("div", { class: "body" });
  if (op.description) body.append(el("p", {}, op.description));
  const params = (op.parameters || []).map((p) => deref(doc, p));
  if (params.length) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Description")));
    for (const p of params) {
      table.append(el("tr", {}, el("td", {}, el("code", {}, p.name + (p.required ? " *" : ""))), el("td", {}, p.in),
                      el("td", {}, p.description || "")));
    }
    body.append(el("h4", {}, "Parameters"), table);
  }
  if (op.requestBody) {
    const rb = deref(doc, op.requestBody);
    body.append(el("h4", {}, "Request body"));
    for (const [type, media] of Object.entries(rb.content || {})) {
      body.append(el("p", {}, el("code", {}, type)), el("pre", {}, schemaText(doc, media.schema)));
    }
  }
  const table = el("table", {}, el("tr", {}, el("th", {}, "Status"), el("th", {}, "Description"), el("th", {}, "Type")));
  for (const [status, r0] of Object.entries(op.responses || {})) {
    const r = deref(doc, r0);
    table.append(el("tr", {}, el("td", {}, status), el("td", {}, r.description || ""),
                    el("td", {}, Object.keys(r.content || {}).join(", "))));
  }
  body.append(el("h4", {}, "Responses"), table);
  return el("details", {},
    el("summary", {}, el("span", { class: "method " + method }, method.toUpperCase()), el("span", { class: "path" }, path),
       el("span", { class: "summary" }, op.summary || "")),
    body);
}
function render(doc) {
  document.getElementById("title").textContent = doc.info.title + " API";
  document.getElementById("version").textContent = "version " + doc.info.version + " \u00b7 OpenAPI " + doc.openapi;
  document.getElementById("description").textContent = doc.info.description || "";
  const groups = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of ["get", "put", "post", "delete", "patch", "head", "options"]) {
      const op = item[method];
      if (!op) continue;
      for (const tag of op.tags && op.tags.length ? op.tags : ["other"]) {
        if (!groups.has(tag)) groups.set(tag, { tag: { name: tag }, ops: [] });
        groups.get(tag).ops.push([path, method, op]);
      }
    }
  }
  const content = document.getElementById("content");
  content.textContent = "";
  for (const { tag, ops } of groups.values()) {
    if (!ops.length) continue;
    content.append(el("h2", {}, tag.name));
    if (tag.description) content.append(el("p", {}, tag.description));
    for (const [path, method, op] of ops) content.append(renderOperation(doc, path, method, op));
  }
}
fetch("/openapi.json", { headers: { accept: "application/json" } })
  .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
  .then(render)
  .catch((e) => {
    const content = document.getElementById("content");
    content.textContent = "Could not load /openapi.json: " + e.message;
    content.className = "error";
  });
</script>
</body>
</html>
)DOCS";
  return kPage;
}

}  // namespace bookstore::http
