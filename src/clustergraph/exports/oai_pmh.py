"""An OAI-PMH 2.0 data provider over the records of ``oai_records``: the six verbs, their
arguments, flow control with resumption tokens, and every error the protocol defines for
bad requests.

``respond`` takes the request's arguments as ``(name, value)`` pairs (repeats kept, so a
repeated argument can be refused) and returns the whole XML response; protocol errors are
part of that response, as OAI-PMH wants (the HTTP status stays 200). ``noMetadataFormats``
and ``noSetHierarchy`` cannot occur: every record has both formats, and there are sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from clustergraph.exports import oai_tokens, oai_xml
from clustergraph.exports.oai_dc import dublin_core
from clustergraph.exports.oai_records import SETS, Deployment, Record, RecordIndex, dcat_record
from clustergraph.exports.sources import EPOCH
from clustergraph.store.base import Store

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {  # verb: (required, optional) arguments
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}
# What the schema allows in the attributes of <request>; a value outside it is not echoed.
_ECHOABLE = {
    "metadataPrefix": re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$"),
    "set": re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$"),
    "from": re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$"),
    "until": re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$"),
    "identifier": re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"),
    "resumptionToken": re.compile(r"^.*$", re.S),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS: tuple[MetadataFormat, ...] = (
    # DCAT-AP has no XML schema: the record is RDF/XML that passes the DCAT-AP 2.1.1 and 3.0.1 shapes.
    MetadataFormat("dcat_ap", "https://semiceu.github.io/DCAT-AP/releases/2.1.1/", "http://www.w3.org/ns/dcat#"),
    MetadataFormat("oai_dc", oai_xml.OAI_DC_SCHEMA, oai_xml.OAI_DC_NS),
)


@dataclass(frozen=True)
class Repository:
    """This repository as Identify describes it, and how long its lists' pages are."""

    base_url: str  # the URL of /oai
    deployment: Deployment
    page_size: int
    admin_email: str
    name: str = "clustergraph: NRW innovation clusters"


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def respond(arguments: Sequence[tuple[str, str]], index: RecordIndex, store: Store, repo: Repository,
            *, now: datetime | None = None) -> str:
    """The XML response to one request. Raises only the store's errors."""
    moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    try:
        verb, args = check_arguments(arguments)
    except OaiError as err:  # badVerb, badArgument: the protocol echoes no arguments then
        return oai_xml.envelope(repo.base_url, moment, None, oai_xml.error(err.code, err.message))
    echoed = {"verb": verb, **{k: v for k, v in args.items() if _ECHOABLE[k].match(v)}}
    try:
        body = _HANDLERS[verb](args, index, store, repo)
    except OaiError as err:
        if err.code == "badArgument":
            echoed = None
        return oai_xml.envelope(repo.base_url, moment, echoed, oai_xml.error(err.code, err.message))
    return oai_xml.envelope(repo.base_url, moment, echoed, f"<{verb}>{body}</{verb}>")


def check_arguments(arguments: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments; raises ``OaiError`` (badVerb, badArgument) for a request the
    protocol does not allow: missing, unknown or repeated verb, repeated, unknown or missing
    arguments, a resumption token beside other arguments."""
    verbs = [value for name, value in arguments if name == "verb"]
    if not verbs:
        raise OaiError("badVerb", "the verb argument is missing")
    if len(verbs) > 1:
        raise OaiError("badVerb", "the verb argument is repeated")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb ({', '.join(VERBS)})")
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    for name, value in arguments:
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError("badArgument", f"{verb} takes no argument {name!r}")
        if name in args:
            raise OaiError("badArgument", f"the argument {name!r} is repeated")
        if not value:
            raise OaiError("badArgument", f"the argument {name!r} is empty")
        args[name] = value
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument: send it with the verb alone")
        return verb, args
    missing = sorted(required - args.keys())
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument(s) {', '.join(missing)}")
    return verb, args


def _identify(args: dict, index: RecordIndex, store: Store, repo: Repository) -> str:
    return "".join((
        oai_xml.element("repositoryName", repo.name),
        oai_xml.element("baseURL", repo.base_url),
        oai_xml.element("protocolVersion", "2.0"),
        oai_xml.element("adminEmail", repo.admin_email),
        oai_xml.element("earliestDatestamp", oai_xml.utc(index.earliest or EPOCH)),
        oai_xml.element("deletedRecord", "no"),
        oai_xml.element("granularity", GRANULARITY),
    ))


def _list_metadata_formats(args: dict, index: RecordIndex, store: Store, repo: Repository) -> str:
    if "identifier" in args:
        _record(index, args["identifier"])
    return "".join(
        f"<metadataFormat>{oai_xml.element('metadataPrefix', f.prefix)}{oai_xml.element('schema', f.schema)}"
        f"{oai_xml.element('metadataNamespace', f.namespace)}</metadataFormat>"
        for f in FORMATS
    )


def _list_sets(args: dict, index: RecordIndex, store: Store, repo: Repository) -> str:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "the list of sets is never split: ask again without a token")
    return "".join(
        f"<set>{oai_xml.element('setSpec', s.spec)}{oai_xml.element('setName', s.name)}"
        f"<setDescription>{oai_xml.oai_dc([('description', s.description, 'en')])}</setDescription></set>"
        for s in SETS
    )


def _get_record(args: dict, index: RecordIndex, store: Store, repo: Repository) -> str:
    record = _record(index, args["identifier"])
    fmt = _format(args["metadataPrefix"])
    return _full_record(record, fmt, store, repo)


def _list(verb: str, args: dict, index: RecordIndex, store: Store, repo: Repository) -> str:
    if "resumptionToken" in args:
        try:
            state = oai_tokens.decode(args["resumptionToken"], verb=verb, version=index.version)
        except oai_tokens.BadToken as err:
            raise OaiError("badResumptionToken", str(err)) from None
        continued = True
    else:
        state = oai_tokens.Continuation(verb, index.version, 0, args["metadataPrefix"], args.get("from"),
                                        args.get("until"), args.get("set"))
        continued = False
    fmt = _format(state.metadata_prefix)
    low, high = _window(state.from_, state.until)
    matches = [
        r for r in index.records
        if (low is None or r.datestamp >= low) and (high is None or r.datestamp < high)
        and (state.set_spec is None or state.set_spec in r.sets)
    ]
    if not matches:
        raise OaiError("noRecordsMatch", "no record matches the arguments")
    if state.offset >= len(matches):
        raise OaiError("badResumptionToken", "the resumption token points past the end of the list")
    page = matches[state.offset : state.offset + repo.page_size]
    if verb == "ListIdentifiers":
        items = "".join(_header(r) for r in page)
    else:
        items = "".join(_full_record(r, fmt, store, repo) for r in page)
    following = state.offset + len(page)
    if following < len(matches):
        token = oai_tokens.encode(oai_tokens.Continuation(
            verb, index.version, following, state.metadata_prefix, state.from_, state.until, state.set_spec))
        items += oai_xml.resumption_token(token, complete_list_size=len(matches), cursor=state.offset)
    elif continued:
        items += oai_xml.resumption_token(None, complete_list_size=len(matches), cursor=state.offset)
    return items


def _record(index: RecordIndex, identifier: str) -> Record:
    record = index.get(identifier)
    if record is None:
        raise OaiError("idDoesNotExist", f"no record has the identifier {identifier!r}")
    return record


def _format(prefix: str) -> MetadataFormat:
    for fmt in FORMATS:
        if fmt.prefix == prefix:
            return fmt
    raise OaiError("cannotDisseminateFormat",
                   f"no metadata format {prefix!r}; use one of {', '.join(f.prefix for f in FORMATS)}")


def _window(from_: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """``[low, high)`` for ``from``/``until``: a day includes all of it; raises badArgument."""
    low = _datestamp(from_, "from") if from_ is not None else None
    high = _datestamp(until, "until") if until is not None else None
    if low and high and low[1] != high[1]:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if low and high and low[0] > high[0]:
        raise OaiError("badArgument", "from is later than until")
    upper = None
    if high is not None:
        try:
            upper = high[0] + (timedelta(days=1) if high[1] == "day" else timedelta(seconds=1))
        except OverflowError:  # until the last moment datetime can hold: no upper bound
            upper = None
    return (low[0] if low else None), upper


def _datestamp(value: str, name: str) -> tuple[datetime, str]:
    try:
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc), "day"
        if _SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc), "second"
    except ValueError:
        pass
    raise OaiError("badArgument", f"{name} must be a UTC date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ), "
                                  f"not {value!r}")


def _header(record: Record) -> str:
    return oai_xml.header(record.identifier, record.datestamp, record.sets)


def _full_record(record: Record, fmt: MetadataFormat, store: Store, repo: Repository) -> str:
    graph, dataset = dcat_record(store, record, repo.deployment)
    metadata = oai_xml.rdf_xml(graph) if fmt.prefix == "dcat_ap" else oai_xml.oai_dc(dublin_core(graph, dataset))
    return oai_xml.record(_header(record), metadata)


_HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": lambda args, index, store, repo: _list("ListIdentifiers", args, index, store, repo),
    "ListRecords": lambda args, index, store, repo: _list("ListRecords", args, index, store, repo),
}
