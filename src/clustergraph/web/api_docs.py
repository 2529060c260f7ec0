"""The API reference at ``/api/v1/docs``: a page of the site (same layout and menu) made from
the app's OpenAPI document, in English or German, with a "try it" form under every operation.

Nothing comes from another host (unlike Swagger UI from a CDN). The forms work without
JavaScript (they send a plain GET to the API); with ``/static/api-try.js`` the answer shows
on the page. Every text from the document is escaped.
"""

from __future__ import annotations

import json
import re
from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse

from clustergraph.pages.api_texts import api_text
from clustergraph.settings import Settings
from clustergraph.web.pages import html, page_context

INTRO = {
    "en": """
<p>JSON for portals: clusters and networks of North Rhine-Westphalia, their actors, innovation
fields, technologies, labels, programmes, events and sources, and cross-cluster matching.
The machine-readable description is <a href="/openapi.json">/openapi.json</a>. Each operation
has a form: <strong>Send</strong> calls this server and shows the answer below the form.</p>
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
""",
    "de": """
<p>JSON für Portale: Cluster und Netzwerke in Nordrhein-Westfalen, ihre Akteure, Innovationsfelder,
Technologien, Label, Programme, Veranstaltungen und Quellen sowie der Abgleich zwischen Clustern.
Die maschinenlesbare Beschreibung steht unter <a href="/openapi.json">/openapi.json</a>. Zu jeder
Operation gibt es ein Formular: <strong>Senden</strong> ruft diesen Server auf und zeigt die Antwort
unter dem Formular.</p>
<ul>
<li><strong>IDs.</strong> Jede Ressource hat eine kurze <code>id</code> (das letzte Segment ihrer IRI,
eindeutig innerhalb ihrer Art) und ihre <code>iri</code> im Graphen, die zur Seite und zum RDF der
Ressource führt.</li>
<li><strong>Listen</strong> kommen als <code>{data, count, limit, offset}</code>: <code>count</code> ist die
Gesamtzahl, <code>limit</code> liegt zwischen 1 und 100 (Vorgabe 20), die Reihenfolge ist stabil (nach Name,
sofern eine Route nichts anderes sagt), und eine Seite hinter dem Ende ist leer.</li>
<li><strong>JSON-LD.</strong> <code>Accept: application/ld+json</code> oder <code>?format=jsonld</code>
liefert dasselbe Dokument mit einem <code>@context</code>-Verweis auf
<a href="{prefix}/context.jsonld">{prefix}/context.jsonld</a>: Es liest sich als RDF im Vokabular des
Graphen.</li>
<li><strong>Caching.</strong> Antworten tragen ein <code>ETag</code> und
<code>Cache-Control: public, max-age=N</code>; mit <code>If-None-Match</code> kommt
<code>304 Not Modified</code>, solange sich die Daten nicht ändern.</li>
<li><strong>Fehler</strong> sind RFC-9457-Problemdetails (<code>application/problem+json</code>):
404 für eine unbekannte ID, 406 für ein unerfüllbares <code>Accept</code>, 422 für einen falschen Parameter
(<code>errors</code> nennt ihn), 500 für einen Fehler auf unserer Seite.</li>
</ul>
""",
}

WORDS = {
    "en": {
        "title": "Portal API",
        "operations": "Operations",
        "parameter": "parameter",
        "in": "in",
        "values": "values",
        "meaning": "meaning",
        "none": "No parameters.",
        "statuses": "Statuses",
        "example": "Example response",
        "try": "Try it",
        "send": "Send",
        "answer": "Answer",
        "required": "required",
    },
    "de": {
        "title": "Portal-API",
        "operations": "Operationen",
        "parameter": "Parameter",
        "in": "in",
        "values": "Werte",
        "meaning": "Bedeutung",
        "none": "Keine Parameter.",
        "statuses": "Statuscodes",
        "example": "Beispielantwort",
        "try": "Ausprobieren",
        "send": "Senden",
        "answer": "Antwort",
        "required": "Pflichtangabe",
    },
}


def page(request: Request, settings: Settings, spec: dict, prefix: str) -> HTMLResponse:
    """The reference page for the operations under ``prefix`` in the OpenAPI ``spec``."""
    ctx = page_context(request, settings)
    return html(ctx, "page_api_docs.html", body=render(spec, prefix, ctx.lang), title=WORDS[_lang(ctx.lang)]["title"])


def render(spec: dict, prefix: str, lang: str = "en") -> str:
    """The inner HTML of the reference (headings, operations, forms) in ``lang``."""
    lang = _lang(lang)
    words = WORDS[lang]
    schemas = spec.get("components", {}).get("schemas", {})
    operations = [
        (path, op) for path, ops in spec.get("paths", {}).items() if path.startswith(prefix) for op in [ops.get("get")] if op
    ]
    toc = "".join(
        f'<li><a href="#{_anchor(path)}"><code>GET {escape(path)}</code></a> {_text(op.get("summary", ""), lang)}</li>'
        for path, op in operations
    )
    sections = "".join(_operation(path, op, schemas, lang) for path, op in operations)
    return (
        f"<h1>{escape(words['title'])} <small><code>{escape(prefix)}</code></small></h1>"
        f"{INTRO[lang].replace('{prefix}', escape(prefix))}"
        f'<nav aria-label="{escape(words["operations"])}"><ul class="api-toc">{toc}</ul></nav>{sections}'
    )


def _lang(lang: str) -> str:
    return "de" if lang == "de" else "en"


def _text(text: str, lang: str) -> str:
    """``text`` in ``lang`` (escaped, `backticks` as code); English is tagged where it stays."""
    shown, shown_lang = api_text(text, lang)
    inner = _inline(shown)
    return f'<span lang="{shown_lang}">{inner}</span>' if shown_lang != lang else inner


def _operation(path: str, op: dict, schemas: dict, lang: str) -> str:
    words = WORDS[lang]
    params = op.get("parameters", [])
    rows = "".join(
        "<tr><td><code>{}</code>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>".format(
            escape(p.get("name", "")),
            f' <span class="muted">({escape(words["required"])})</span>' if p.get("required") else "",
            escape(p.get("in", "")),
            escape(_type(p.get("schema", {}), schemas)),
            _text(p.get("description", ""), lang),
        )
        for p in params
    )
    table = (
        f'<div class="table-scroll"><table><thead><tr><th>{words["parameter"]}</th><th>{words["in"]}</th>'
        f"<th>{words['values']}</th><th>{words['meaning']}</th></tr></thead><tbody>{rows}</tbody></table></div>"
        if rows
        else f"<p>{words['none']}</p>"
    )
    statuses = ", ".join(escape(code) for code in op.get("responses", {}))
    example = _example(op, schemas)
    shown = (
        f"<details><summary>{words['example']}</summary><pre>{escape(json.dumps(example, indent=2, ensure_ascii=False))}</pre></details>"
        if example
        else ""
    )
    return (
        f'<section class="operation" id="{_anchor(path)}"><h2><code>GET {escape(path)}</code></h2>'
        f"<p><strong>{_text(op.get('summary', ''), lang)}.</strong> {_text(op.get('description', ''), lang)}</p>"
        f"{table}<p>{words['statuses']}: {statuses}.</p>{_try_form(path, params, example, schemas, words)}{shown}</section>"
    )


def _try_form(path: str, params: list[dict], example: object, schemas: dict, words: dict[str, str]) -> str:
    """A GET form for the operation: without JavaScript it opens the answer, with it the answer shows below."""
    sample_id = _sample_id(example)
    action = path.replace("{id}", sample_id or "id")
    fields = []
    for p in params:
        name = p.get("name", "")
        sample = _sample(p, schemas)
        if p.get("in") == "path" and name == "id" and sample_id:
            sample = sample_id
        # Required values start filled in (the call works at once); optional ones only as a hint.
        value, hint = (sample, "") if p.get("required") else ("", sample)
        required = " required" if p.get("required") else ""
        placeholder = f' placeholder="{escape(hint)}"' if hint else ""
        field_id = f"{_anchor(path)}-{name}"
        fields.append(
            f'<label for="{escape(field_id)}"><code>{escape(name)}</code></label>'
            f'<input id="{escape(field_id)}" name="{escape(name)}" data-in="{escape(p.get("in", "query"))}" '
            f'value="{escape(value)}"{placeholder}{required}>'
        )
    return (
        f'<form class="try" method="get" action="{escape(action)}" data-path="{escape(path)}">'
        f"<fieldset><legend>{words['try']}</legend>{''.join(fields)}"
        f'<button type="submit">{words["send"]}</button></fieldset>'
        f'<div class="try-answer" hidden><p class="try-status" aria-live="polite"></p>'
        f'<pre class="try-body" aria-label="{escape(words["answer"])}"></pre></div></form>'
    )


def _sample(param: dict, schemas: dict) -> str:
    """The example value of a parameter, for the form (empty when the document gives none)."""
    examples = param.get("examples") or param.get("schema", {}).get("examples") or []
    if isinstance(examples, dict):
        examples = [e.get("value") for e in examples.values()]
    value = examples[0] if examples else param.get("example")
    return "" if value is None else str(value)


def _sample_id(example: object) -> str | None:
    """The ``id`` in an example response (the first item of a list), for one-resource routes."""
    if isinstance(example, dict):
        if isinstance(example.get("id"), str):
            return example["id"]
        data = example.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict) and isinstance(data[0].get("id"), str):
            return data[0]["id"]
    return None


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
