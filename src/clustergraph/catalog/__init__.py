"""The catalogue: read access to the graph as typed objects (the repository layer).

Every function takes a ``Catalog`` (a store and the base IRI), runs SPARQL kept in module
constants with bound variables, and returns the pydantic models of ``catalog.models``.
The JSON API and the HTML pages both build on it::

    cat = Catalog(store, settings.base_iri)
    page = list_clusters(cat, ClusterFilters(technology="hydrogen"), limit=20)
    related = related_clusters(cat, "its-owl", limit=5)

Unknown ids raise ``clustergraph.errors.NotFound``. The public functions are marked ``@read``:
the web layer runs them through the query executor (``catalog.reads``), in a worker, under the
query timeout, with their answers cached per store version.
"""

from clustergraph.catalog.actors import ActorFilters, get_actor, list_actors
from clustergraph.catalog.clusters import ClusterFilters, get_cluster, list_clusters, list_members
from clustergraph.catalog.events import get_event, list_events
from clustergraph.catalog.labels import get_label, list_labels
from clustergraph.catalog.matching import related_clusters
from clustergraph.catalog.programmes import get_programme, list_programmes
from clustergraph.catalog.query import Catalog
from clustergraph.catalog.search import search
from clustergraph.catalog.sources import get_source, list_sources
from clustergraph.catalog.vocab import (
    get_innovation_field,
    get_technology,
    list_innovation_fields,
    list_technologies,
)

__all__ = [
    "ActorFilters",
    "Catalog",
    "ClusterFilters",
    "get_actor",
    "get_cluster",
    "get_event",
    "get_innovation_field",
    "get_label",
    "get_programme",
    "get_source",
    "get_technology",
    "list_actors",
    "list_clusters",
    "list_events",
    "list_innovation_fields",
    "list_labels",
    "list_members",
    "list_programmes",
    "list_sources",
    "list_technologies",
    "related_clusters",
    "search",
]
