"""The API reference at ``/api/v1/docs``: one server-rendered HTML page made from the app's
OpenAPI document. No JavaScript and nothing from another host (unlike Swagger UI from a
CDN); every text from the document is escaped."""

from __future__ import annotations

import json
import re
from html import escape

INTRO = """
<p>JSON for portals: clusters and networks of North Rhine-Westphalia, their actors, innovation
fields, technologies, labels, programmes, events and sources, and cross-cluster matching.
The machine-readable description is <a href="/openapi.json">/openapi.json</a>.</p>
<ul>
<li><strong>Ids.</strong> Every resource has a short <code>id</code> (the last segment of its IRI,
unique within its kind) and its graph <code>iri</code>, which dereferences to the resource's page
and RDF.</li>
<li><strong>Lists</strong> come as <code>{data, count, limit, offset}</code>: <code>count</code> is the
total, <code>limit</code> is 1-100 (default 20), the order is stable (by name unless a route says
otherwise), and a page past the end is empty.</li>
<li><strong>JSON-LD.</strong> <code>Accept: application/ld+json</code> or <code>?format=jsonld</code>
returns the same document with an <code>@context</code> link to
<a href="{prefix}/context.jsonld">{prefix}/context.jsonld</a>: it reads as RDF in the graph's own
vocabulary.</li>
<li><strong>Caching.</strong> Responses carry an <code>ETag</code> and
<code>Cache-Control: public, max-age=N</code>; send <code>If-None-Match</code> to get
<code>304 Not Modified</code> while the data is unchanged.</li>
<li><strong>Errors</strong> are RFC 9457 problem details (<code>application/problem+json</code>):
404 for an unknown id, 406 for an unacceptable <code>Accept</code>, 422 for a bad parameter
(with <code>errors</code> naming it), 500 for a fault on our side.</li>
</ul>
"""

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; background: #fff; }
h2 { margin-top: 2.5rem; border-top: 1px solid #ccc; padding-top: 1rem; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f4f4f4; padding: .75rem; overflow-x: auto; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #ddd; padding: .3rem .5rem; vertical-align: top; }
a { color: #0645ad; }
a:focus, a:hover { outline: 2px solid #0645ad; }
"""


def render(spec: dict, prefix: str) -> str:
    """The reference page for the operations under ``prefix`` in the OpenAPI ``spec``."""
    schemas = spec.get("components", {}).get("schemas", {})
    operations = [
        (path, op) for path, ops in spec.get("paths", {}).items() if path.startswith(prefix) for op in [ops.get("get")] if op
    ]
    toc = "".join(
        f'<li><a href="#{_anchor(path)}"><code>GET {escape(path)}</code></a> {escape(op.get("summary", ""))}</li>'
        for path, op in operations
    )
    sections = "".join(_operation(path, op, schemas) for path, op in operations)
    title = escape(spec.get("info", {}).get("title", "API"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} portal API</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{title} portal API <small>{escape(prefix)}</small></h1>"
        f"{INTRO.replace('{prefix}', escape(prefix))}<nav aria-label=\"Operations\"><ul>{toc}</ul></nav>"
        f"{sections}</main></body></html>"
    )


def _operation(path: str, op: dict, schemas: dict) -> str:
    params = "".join(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            escape(p.get("name", "")), escape(p.get("in", "")), escape(_type(p.get("schema", {}), schemas)), _inline(p.get("description", ""))
        )
        for p in op.get("parameters", [])
    )
    table = (
        f"<table><thead><tr><th>parameter</th><th>in</th><th>values</th><th>meaning</th></tr></thead><tbody>{params}</tbody></table>"
        if params
        else "<p>No parameters.</p>"
    )
    statuses = ", ".join(escape(code) for code in op.get("responses", {}))
    example = _example(op, schemas)
    shown = f"<p>Example response:</p><pre>{escape(json.dumps(example, indent=2, ensure_ascii=False))}</pre>" if example else ""
    return (
        f'<section id="{_anchor(path)}"><h2><code>GET {escape(path)}</code></h2>'
        f"<p><strong>{escape(op.get('summary', ''))}.</strong> {_inline(op.get('description', ''))}</p>"
        f"{table}<p>Statuses: {statuses}.</p>{shown}</section>"
    )


def _type(schema: dict, schemas: dict) -> str:
    """A short human description of a parameter's schema."""
    options = schema.get("anyOf") or [schema]
    parts = []
    for option in options:
        if "$ref" in option:
            option = schemas.get(option["$ref"].rsplit("/", 1)[-1], {})
        if option.get("type") == "null":
            continue
        if "enum" in option:
            parts.append(" | ".join(str(v) for v in option["enum"]))
            continue
        text = option.get("type", "")
        bounds = [f"{k} {option[k]}" for k in ("minimum", "maximum", "minLength", "maxLength") if k in option]
        if "pattern" in option:
            bounds.append(f"pattern {option['pattern']}")
        parts.append(text + (f" ({', '.join(bounds)})" if bounds else ""))
    default = schema.get("default")
    return " or ".join(parts) + (f"; default {default}" if default is not None else "")


def _example(op: dict, schemas: dict) -> object | None:
    """The example of the 200 response: the model's example, inside a page for lists."""
    content = op.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" not in schema:
        media = next(iter(content.values()), {})
        return media.get("example")
    model = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    items = model.get("properties", {}).get("data", {}).get("items", {})
    if "$ref" in items:
        item = schemas.get(items["$ref"].rsplit("/", 1)[-1], {})
        example = (item.get("examples") or [None])[0]
        return {"data": [example], "count": 1, "limit": 20, "offset": 0} if example is not None else None
    return (model.get("examples") or [None])[0]


def _inline(text: str) -> str:
    """Escaped text with `backticks` shown as code (the OpenAPI descriptions are Markdown)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _anchor(path: str) -> str:
    return "op-" + "".join(c if c.isalnum() else "-" for c in path).strip("-")
