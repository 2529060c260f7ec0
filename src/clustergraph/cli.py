"""The ``clustergraph`` command: thin commands over the library.

User mistakes end with one line on stderr and an exit code (1 data refused,
2 unreadable input, 3 limit, 4 forbidden, 5 store unavailable), never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from clustergraph import formats
from clustergraph.errors import ClusterGraphError, InputError, QueryError, ValidationFailed
from clustergraph.settings import Settings

if TYPE_CHECKING:
    from clustergraph.progress import Steps

app = typer.Typer(
    help="The NRW cluster knowledge graph: load, validate, query and serve it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

StoreOption = Annotated[
    Optional[str],
    typer.Option("--store", help="Folder, 'memory' or SPARQL endpoint URL (default: $CLUSTERGRAPH_STORE)."),
]


def settings_from(**overrides: object) -> Settings:
    """Settings from the environment with the CLI options that were given on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def say(message: str) -> None:
    typer.echo(message, err=True)


def handles_errors(command: Callable) -> Callable:
    """Turn domain errors into one line on stderr and the error's exit code."""

    @wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationFailed as err:
            if err.report is not None:
                say(err.report.as_text(include_warnings=False))
            say(f"error: {err}")
            raise typer.Exit(err.exit_code) from None
        except ClusterGraphError as err:
            say(f"error: {err}")
            raise typer.Exit(err.exit_code) from None
        except ValueError as err:  # invalid settings
            say(f"error: {err}")
            raise typer.Exit(2) from None

    return run


@app.command()
@handles_errors
def load(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders to add (default: the bundled ontology and data).")] = None,
    store: StoreOption = None,
    graph: Annotated[Optional[str], typer.Option(help="Named graph (the source's IRI) for files of plain triples.")] = None,
    replace: Annotated[Optional[bool], typer.Option("--replace/--add", help="Replace the graphs in the input instead of adding to them (default: replace for the bundled data).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print each step on stderr, also when not on a terminal.")] = False,
) -> None:
    """Validate files against the shapes together with what is stored, then commit them in one transaction.

    Needs the store to itself: beside a running server it refuses and says what to do instead.
    """
    from clustergraph.cli_store import open_for_writing
    from clustergraph.loading.loader import load as load_files
    from clustergraph.progress import Steps

    settings = settings_from(store=store)
    db = open_for_writing(settings)
    try:
        with Steps(verbose=verbose) as steps:
            result = load_files(db, settings, paths or None, graph=graph, replace=replace, progress=steps)
    finally:
        db.close()
    say(result.report.summary())
    for finding in result.report.warnings[:20]:
        say(f"  [Warning] {finding.focus}: {finding.message}")
    t = result.timings
    typer.echo(
        f"loaded {result.quads} quads from {len(result.files)} file(s) into {len(result.graphs)} graph(s) "
        f"(parse {t['parse']:.2f} s, validate {t['validate']:.2f} s, commit {t['commit']:.2f} s)"
    )


@app.command()
@handles_errors
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    store: StoreOption = None,
    with_store: Annotated[bool, typer.Option("--with-store", help="Check the files on top of the stored data instead of the bundled data.")] = False,
    graph: Annotated[Optional[str], typer.Option(help="Named graph for files of plain triples.")] = None,
    output: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """Check files against the shapes as they would be loaded; writes nothing. Exit 1 on violations, 2 on unreadable input."""
    from clustergraph.loading.loader import gate_for, read_inputs
    from clustergraph.loading.validation import Change
    from clustergraph.progress import Steps
    from clustergraph.store import EmbeddedStore, open_store

    settings = settings_from(store=store)
    gate = gate_for(settings)
    with Steps() as steps:
        _files, quads = read_inputs(paths, base_iri=settings.base_iri, graph=graph, progress=steps)
        if with_store:  # read-only: works beside a running server
            db = open_store(settings, read_only=settings.store_kind == "disk")
        else:
            from clustergraph.loading.loader import load as load_files

            db = EmbeddedStore(None)
            steps("loading the bundled data to check the files against")
            load_files(db, settings, gate=gate, progress=steps)
        try:
            steps(f"checking {len(quads)} quads against the shapes")
            report = gate.check(db, Change(add=quads))
        finally:
            db.close()
    if output == "json":
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        typer.echo(report.as_text())
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@handles_errors
def query(
    sparql: Annotated[Optional[str], typer.Argument(help="The SPARQL query (or use --file / --example).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Read the query from a file ('-' for stdin).")] = None,
    example: Annotated[Optional[str], typer.Option("--example", help="Run an example query from queries/ by name.")] = None,
    output: Annotated[str, typer.Option("--format", "-f", help="table, json, csv, tsv, xml (tables); turtle, ntriples, jsonld, rdfxml (graphs)")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over the merge of all graphs and print the result."""
    from clustergraph.examples import load_examples
    from clustergraph.loading.loader import ensure_loaded
    from clustergraph.query.syntax_errors import syntax_error
    from clustergraph.progress import Steps
    from clustergraph.results import as_table, serialize_result
    from clustergraph.store import open_store

    settings = settings_from(store=store)
    given = [x for x in (sparql, file, example) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of: a query string, --file or --example")
    if file is not None:
        text = sys.stdin.read() if str(file) == "-" else _read_text(file)
    elif example is not None:
        examples = load_examples(settings.queries_dir)
        if example not in examples:
            raise InputError(f"no example query named {example!r}; known: {', '.join(sorted(examples))}")
        text = examples[example].sparql
    else:
        text = sparql
    db = open_store(settings, for_reading=True)  # beside a running server: a read-only snapshot
    try:
        with Steps() as steps:
            ensure_loaded(db, settings, progress=steps)
        try:
            result = db.query(text)
        except QueryError as err:  # the parser's grammar dump, put in words as the endpoint does
            raise syntax_error(text, str(err)) from None
        if output == "table":
            typer.echo(as_table(result))
            return
        fmt = formats.lookup(output)
        if fmt is None:
            raise InputError(f"unknown output format {output!r}")
        sys.stdout.buffer.write(serialize_result(result, fmt))
        sys.stdout.flush()
    finally:
        db.close()


@app.command()
@handles_errors
def examples(
    output: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """List the example research queries (run one with `clustergraph query --example NAME`)."""
    from clustergraph.examples import load_examples

    catalogue = load_examples(settings_from().queries_dir)
    if output == "json":
        rows = [
            {
                "name": e.name,
                "title": e.title,
                "description": e.description,
                "differences": [d.as_dict() for d in e.differences],
                "federated": list(e.federated),
            }
            for e in catalogue.values()
        ]
        typer.echo(json.dumps({"data": rows, "count": len(rows)}, indent=2, ensure_ascii=False))
        return
    if output != "text":
        raise InputError(f"unknown output format {output!r}: use text or json")
    if not catalogue:
        say(f"no example queries in {settings_from().queries_dir}")
    width = max((len(name) for name in catalogue), default=0)
    for example in catalogue.values():
        differs = "".join(f" [other answers on {d.store_name}: {d.reason}]" for d in example.differences)
        differs += "".join(f" [federated: calls {endpoint}]" for endpoint in example.federated)
        typer.echo(f"{example.name.ljust(width)}  {example.title}{differs}")


@app.command()
@handles_errors
def stats(
    store: StoreOption = None,
    output: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    completeness: Annotated[bool, typer.Option("--completeness", help="Per cluster, which profile fields are known from a source, editorial or unknown.")] = False,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="With --completeness: only this cluster (its id).")] = None,
) -> None:
    """Counts of quads, instances per class and triples per named graph; or, with
    --completeness, the state of every profile field of every cluster."""
    from clustergraph.loading.loader import ensure_loaded
    from clustergraph.stats import store_stats
    from clustergraph.store import open_store

    if completeness or cluster is not None:
        _completeness(store, output, cluster)
        return
    settings = settings_from(store=store)
    db = open_store(settings, for_reading=True)
    try:
        ensure_loaded(db, settings)  # an empty store gets the bundled data first, as for `query`
        numbers = store_stats(db)
    finally:
        db.close()
    if output == "json":
        typer.echo(json.dumps(numbers, indent=2))
        return
    typer.echo(f"quads: {numbers['quads']}")
    typer.echo("instances per class:")
    for row in numbers["classes"]:
        typer.echo(f"  {row['count']:>7}  {row['class']}")
    typer.echo("triples per graph:")
    for row in numbers["graphs"]:
        typer.echo(f"  {row['count']:>7}  {row['graph']}")


def _completeness(store: str | None, output: str, cluster: str | None) -> None:
    from clustergraph.catalog import Catalog
    from clustergraph.catalog.completeness import as_text, completeness
    from clustergraph.loading.loader import ensure_loaded
    from clustergraph.store import open_store

    if output not in ("text", "json"):
        raise InputError(f"unknown format {output!r}: use text or json")
    settings = settings_from(store=store)
    db = open_store(settings, for_reading=True)
    try:
        ensure_loaded(db, settings)
        table = completeness(Catalog(db, settings.base_iri), cluster)
    finally:
        db.close()
    if output == "json":
        typer.echo(table.model_dump_json(indent=2))
    else:
        typer.echo(as_text(table))


@app.command()
@handles_errors
def serve(
    store: StoreOption = None,
    host: Annotated[Optional[str], typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default 8000).")] = None,
    get: Annotated[Optional[str], typer.Option("--get", help="Run one GET request in-process, print the body and exit.")] = None,
) -> None:
    """Serve the SPARQL endpoint, linked-data pages and the JSON API (loads the bundled data into an empty store).

    ``--get`` works beside a running server too (it reads a snapshot of the store).
    """
    from clustergraph.cli_store import check_free_to_serve
    from clustergraph.progress import Steps
    from clustergraph.web.app import create_app

    settings = settings_from(store=store, host=host, port=port)
    first_load = f"loading and validating the bundled data into the empty store ({settings.store})"
    if get is not None:
        from clustergraph.web.in_process import get_once

        response = get_once(create_app(settings, for_reading=True, progress=Steps(first_load)), get)
        sys.stdout.buffer.write(response.content)
        raise typer.Exit(0 if response.status_code < 400 else 1)
    from clustergraph.web.server import serve as run_server

    check_free_to_serve(settings)
    say(f"clustergraph serving {settings.store} at http://{settings.host}:{settings.port}/")
    run_server(create_app(settings, progress=Steps(first_load, announce=True)), settings)


@app.command()
@handles_errors
def export(
    what: Annotated[str, typer.Argument(help="dump (the whole dataset), dcat (DCAT-AP catalogue), eccp (ECCP-aligned cluster profiles) or release (dumps, catalogues, manifest and SHA256SUMS into the folder --out)")],
    output: Annotated[str, typer.Option("--format", "-f", help="dump/dcat: an RDF format (nquads, trig, turtle, jsonld, ...); eccp: csv or json")] = "",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file instead of stdout (release: the folder to write).")] = None,
    store: StoreOption = None,
    service_url: Annotated[str, typer.Option(help="dcat, release: the public URL of the service the catalogue describes.")] = "http://127.0.0.1:8000/",
) -> None:
    """Write the dataset, its DCAT-AP catalogue or ECCP-aligned cluster profiles.

    With ``-o FILE`` the export goes to a temporary name and is renamed to FILE when complete.
    ``release -o DIR`` writes every file of a release that way; the same data gives the same bytes.
    """
    from clustergraph.exports import dcat, eccp
    from clustergraph.exports.dump import dump_chunks, streams
    from clustergraph.loading.loader import ensure_loaded
    from clustergraph.progress import Steps
    from clustergraph.store import open_store

    settings = settings_from(store=store)
    db = open_store(settings, for_reading=True)  # beside a running server: a read-only snapshot
    steps = Steps()
    try:
        ensure_loaded(db, settings, progress=steps)
        steps(f"exporting {what} {output}".rstrip())
        if what == "dump":
            fmt = _rdf_format(output or "nquads")
            if streams(fmt.oxigraph):
                # Written as it is read, within the try: the store stays open until the last chunk.
                return _write_export(dump_chunks(db, fmt.oxigraph, progress=steps), out, steps)
            body = db.dump(fmt.oxigraph)
        elif what == "dcat":
            fmt = _rdf_format(output or "turtle")
            graph = dcat.catalogue(
                db, service_url=service_url if service_url.endswith("/") else service_url + "/",
                base_iri=settings.base_iri, publisher_name=settings.publisher_name, publisher_url=settings.publisher_url,
            )
            body = graph.serialize(format=fmt.rdflib_name).encode("utf-8")
        elif what == "release":
            from clustergraph.exports.release import build_release, publication

            if out is None:
                raise InputError("export release needs --out DIR, the folder to write the release to")
            release = build_release(db, publication(settings, service_url), progress=steps)
        elif what == "eccp":
            records = eccp.profiles(db)
            if (output or "csv") == "csv":
                body = eccp.as_csv(records).encode("utf-8")
            elif output == "json":
                body = json.dumps({"data": records, "count": len(records)}, indent=2, ensure_ascii=False).encode()
            else:
                raise InputError("eccp exports as csv or json")
        else:
            raise InputError(f"unknown export {what!r}: use dump, dcat, eccp or release")
        steps.finish()
    finally:
        steps.close()
        db.close()
    if what == "release":
        _write_release(release, out)
        return
    _write_export([body], out)


def _write_export(chunks: Iterable[bytes], out: Path | None, steps: Steps | None = None) -> None:
    """Write an export's bytes to ``out`` (whole or not at all) or to standard output."""
    if out is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        written = None
    else:
        from clustergraph.files import write_atomically

        try:  # a file under the final name is always complete, even when this process is killed
            written = write_atomically(out, chunks)
        except OSError as err:
            raise InputError(f"{out}: {err.strerror or err}") from err
    if steps is not None:
        steps.finish()
    if written is not None:
        say(f"wrote {written} bytes to {out}")


def _write_release(release, out: Path) -> None:
    from clustergraph.exports.release import write_release

    try:
        written = write_release(release, out)
    except OSError as err:
        raise InputError(f"{out}: {err.strerror or err}") from err
    say(f"wrote release {release.version} ({release.date}): {len(written)} files to {out}")


@app.command()
@handles_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The older release folder or dump file.")],
    new: Annotated[Path, typer.Argument(help="The newer release folder or dump file.")],
    output: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """List the facts added and removed between two releases (or dump files), per source and per resource."""
    from clustergraph.exports.diff import as_json, as_text, compare, read_side

    if output not in ("text", "json"):
        raise InputError(f"unknown output format {output!r}: use text or json")
    base_iri = settings_from().base_iri
    changes = compare(read_side(old, base_iri=base_iri), read_side(new, base_iri=base_iri))
    if output == "json":
        typer.echo(json.dumps(as_json(changes), indent=2, ensure_ascii=False))
    else:
        typer.echo(as_text(changes), nl=False)


@app.command()
@handles_errors
def enrich(
    kind: Annotated[str, typer.Argument(help="nuts (region names and hierarchy) or cordis (EURIO organisations, projects, roles)")],
    store: StoreOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be retrieved (cordis: the match candidates) without writing.")] = False,
) -> None:
    """Retrieve from an EU SPARQL endpoint into a named graph of its own, through the SHACL gate.

    The endpoints are $CLUSTERGRAPH_NUTS_ENDPOINT and $CLUSTERGRAPH_CORDIS_ENDPOINT. A retrieval
    replaces the previous one of the same kind in one transaction; on any failure nothing is written.
    """
    from clustergraph.cli_store import open_for_writing
    from clustergraph.connectors.enrich import enrich as run_enrich
    from clustergraph.store import open_store

    settings = settings_from(store=store)
    db = open_store(settings, for_reading=True) if dry_run else open_for_writing(settings)
    try:
        result = run_enrich(db, settings, kind, dry_run=dry_run)
    finally:
        db.close()
    for line in result.lines:
        typer.echo(line)
    cut = f", {result.cuts} answer(s) cut at the endpoint's row cap and paged" if result.cuts else ""
    say(f"{result.requests} request(s) to {result.endpoint}{cut}")
    if result.committed is not None:
        typer.echo(f"wrote {result.committed.quads} quads to {result.committed.graph}")
    else:
        typer.echo("dry run: nothing written")


@app.command()
@handles_errors
def conformance(
    manifests: Annotated[Path, typer.Option("--manifests", help="Folder holding protocol/, graph-store-protocol/ and service-description/ W3C manifests.")],
    url: Annotated[Optional[str], typer.Option("--url", help="Root URL of a running server to test (default: start one on a free port with the test data).")] = None,
    token: Annotated[Optional[str], typer.Option("--token", help="With --url: that server's update token. The runner then EMPTIES its store before each test: use a throwaway server.")] = None,
    only: Annotated[Optional[str], typer.Option("--only", help="Run only the tests whose id contains this text.")] = None,
    update_path: Annotated[Optional[str], typer.Option("--update-path", help="Path of the update endpoint (default: the one the Service Description names).")] = None,
) -> None:
    """Run the W3C SPARQL 1.1 Protocol, Graph Store and Service Description tests against a live server.

    Prints one line per test and 'N passed, M failed'; exits 1 on a failure that is not a listed expected failure.
    """
    from clustergraph.conformance.command import run_conformance

    code = run_conformance(manifests, url=url, token=token, only=only, update_path=update_path, echo=typer.echo)
    raise typer.Exit(code)


def _rdf_format(name: str) -> formats.Format:
    fmt = formats.lookup(name)
    if fmt is None or fmt.kind is not formats.Kind.RDF:
        raise InputError(f"{name!r} is not an RDF format ({', '.join(f.name for f in formats.rdf_formats())})")
    return fmt


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from err


def main() -> None:
    app()


if __name__ == "__main__":
    main()
