"""All settings of clustergraph in one place.

Every field is read from an environment variable with the prefix ``CLUSTERGRAPH_``
(``store`` from ``CLUSTERGRAPH_STORE`` and so on); CLI options override them.
A ``Settings`` object is built by the caller and passed in; nothing reads the
environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from clustergraph.bundled import bundled_dir

DEFAULT_BASE_IRI = "https://w3id.org/clustergraph/"


class Settings(BaseSettings):
    """Settings of the service, the CLI and the library."""

    model_config = SettingsConfigDict(env_prefix="CLUSTERGRAPH_", extra="ignore")

    store: str = Field(
        default=".clustergraph/store",
        description="Where the graph lives: a folder for the embedded on-disk store, "
        "'memory' for an in-memory store, or the http(s) URL of a SPARQL 1.1 query endpoint.",
    )
    store_update_url: str | None = Field(
        default=None,
        description="Remote stores: the SPARQL 1.1 update endpoint (default: the query URL).",
    )
    store_user: str | None = Field(default=None, description="Remote stores: user name.")
    store_password: SecretStr | None = Field(default=None, description="Remote stores: password.")
    store_auth: str = Field(
        default="digest", description="Remote stores: HTTP authentication scheme, 'digest' or 'basic'."
    )
    base_iri: str = Field(
        default=DEFAULT_BASE_IRI,
        description="Base of every resource IRI (cluster/..., organisation/...); independent of the host serving it.",
    )
    public_url: str | None = Field(
        default=None,
        description="The URL the server is reached at, if it differs from the request's own (behind a proxy).",
    )
    data_dir: Path = Field(default_factory=lambda: bundled_dir("data"), description="Folder of the bundled data.")
    ontology_dir: Path = Field(default_factory=lambda: bundled_dir("ontology"), description="Folder of the ontology.")
    shapes_dir: Path = Field(default_factory=lambda: bundled_dir("shapes"), description="Folder of the SHACL shapes.")
    queries_dir: Path = Field(
        default_factory=lambda: bundled_dir("queries"), description="Folder of the example queries (.rq)."
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port the server listens on.")
    query_timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds a SPARQL query may run before it is stopped."
    )
    max_rows: int = Field(default=100_000, gt=0, description="Most result rows (or triples) a query returns.")
    max_response_bytes: int = Field(
        default=50_000_000, gt=0, description="Largest serialised query response, in bytes."
    )
    max_body_bytes: int = Field(
        default=1_000_000, gt=0, description="Largest request body (query or update), in bytes."
    )
    parse_memory_bytes: int = Field(
        default=1_000_000_000,
        ge=200_000_000,
        description="Most memory (address space) the process that parses an RDF body sent to the Graph Store "
        "may use; a body that needs more is a 413. A quarter of it bounds the parsed data.",
    )
    load_memory_bytes: int = Field(
        default=300_000_000,
        ge=0,
        description="Input size up to which `clustergraph load` stages the data in memory, where validation is faster "
        "(bytes of the files, plus about 200 per stored quad the load keeps); a bigger load is staged on disk, "
        "in bounded memory.",
    )
    query_workers: int = Field(default=2, ge=1, le=64, description="Worker processes that evaluate queries.")
    query_cache_bytes: int = Field(
        default=64_000_000,
        ge=0,
        description="Bytes of query answers kept per store version, so a repeated query is not evaluated again (0: no cache).",
    )
    update_token: SecretStr | None = Field(
        default=None, description="Bearer token that enables SPARQL Update and Graph Store writes; unset = read-only."
    )
    validate_writes: bool = Field(
        default=True,
        description="Check every write over HTTP (Graph Store, SPARQL Update) against the SHACL shapes and the "
        "provenance rule (facts only in named graphs). Switch off only to serve data that is not the project's, "
        "as the W3C conformance run does.",
    )
    service_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated endpoint URLs that federated SERVICE calls may reach (empty: none).",
    )
    service_allow_private: bool = Field(
        default=False, description="Allow SERVICE calls to loopback, private or link-local addresses."
    )
    service_timeout: float = Field(default=10.0, gt=0, le=300, description="Seconds per federated SERVICE call.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated host names the server answers to when CLUSTERGRAPH_PUBLIC_URL is not set "
        "(others get 400, so no link is built from a forged Host); empty: the loopback names and the bind address. "
        "'*.example.org' allows subdomains, '*' any host; 'testserver' (in-process requests) is always allowed.",
    )
    header_timeout: float = Field(
        default=10.0, gt=0, le=300,
        description="Seconds a connection may take to send complete request headers before it is closed.",
    )
    max_connections: int = Field(
        default=1000, ge=1, le=100_000,
        description="Most open client connections; one more is answered 503 and closed at once.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"], description="Comma-separated origins allowed by CORS for read requests."
    )
    log_level: str = Field(default="info", description="Log level of the server.")
    api_cache_seconds: int = Field(
        default=60,
        ge=0,
        le=86_400,
        description="Seconds portals may reuse a JSON API response without asking again (Cache-Control max-age); "
        "after that they revalidate cheaply with the ETag.",
    )
    publisher_name: str = Field(
        default="clustergraph", description="Name of who publishes this deployment, for the DCAT-AP catalogue."
    )
    publisher_url: str | None = Field(default=None, description="IRI of the publisher, for the DCAT-AP catalogue.")
    oai_page_size: int = Field(
        default=50, ge=1, le=1000,
        description="Records (or headers) per OAI-PMH list response at /oai; longer lists continue with a resumption token.",
    )
    oai_admin_email: str = Field(
        default="clustergraph@example.org",
        pattern=r"^\S+@(\S+\.)+\S+$",
        description="E-mail address of whoever runs this deployment, which OAI-PMH's Identify must name (adminEmail); "
        "set it for a public deployment.",
    )

    nuts_endpoint: str = Field(
        default="https://publications.europa.eu/webapi/rdf/sparql",
        description="SPARQL endpoint `clustergraph enrich nuts` asks for NUTS region names and hierarchy "
        "(the Publications Office's Cellar).",
    )
    cordis_endpoint: str = Field(
        default="https://cordis.europa.eu/datalab/sparql",
        description="SPARQL endpoint `clustergraph enrich cordis` asks for EURIO organisations, projects and roles.",
    )
    connector_timeout: float = Field(
        default=60.0, gt=0, le=3600, description="Seconds one request of `clustergraph enrich` may take."
    )
    connector_retries: int = Field(
        default=3, ge=0, le=10,
        description="Retries of a request of `clustergraph enrich` that timed out or met a server error (with backoff).",
    )
    connector_page_size: int = Field(
        default=1000, ge=1, le=100_000,
        description="Rows per page `clustergraph enrich` asks for; lowered to an endpoint's row cap when it cuts an answer.",
    )

    @field_validator("service_allowlist", "cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("base_iri")
    @classmethod
    def _base_iri_is_absolute_and_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_iri must be an absolute http(s) IRI")
        return value if value.endswith("/") else value + "/"

    @field_validator("store_auth")
    @classmethod
    def _known_auth(cls, value: str) -> str:
        if value not in ("digest", "basic"):
            raise ValueError("store_auth must be 'digest' or 'basic'")
        return value

    @property
    def store_kind(self) -> str:
        """'memory', 'remote' or 'disk', derived from ``store``."""
        if self.store == "memory":
            return "memory"
        if self.store.startswith(("http://", "https://")):
            return "remote"
        return "disk"
