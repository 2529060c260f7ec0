"""The JSON shapes of the portal API, as pydantic models with examples.

Every resource carries its short ``id`` (the slug of its IRI, unique within its kind) and
its graph ``iri``. Names come as ``name`` (English if there is one, else German, else any)
and ``names`` (every ``skos:prefLabel`` by language). Dates are kept as precise as the
source: ``2012``, ``2012-10`` or ``2012-10-01``.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

BASE = "https://w3id.org/clustergraph/"
T = TypeVar("T")


def _example(**values: object) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [values]})


class Ref(BaseModel):
    """A link to another resource of the graph."""

    model_config = _example(id="its-owl", iri=f"{BASE}cluster/its-owl", kind="cluster", name="it's OWL")

    id: str = Field(description="Short id: the last segment of the IRI, unique within its kind.")
    iri: str = Field(description="The resource's IRI in the graph; dereferenceable.")
    kind: str | None = Field(
        default=None, description="The IRI's kind segment: cluster, organisation, technology, place, ..."
    )
    name: str | None = Field(default=None, description="Preferred name (English, else German).")


class Names(BaseModel):
    """Names of a resource by language."""

    en: str | None = None
    de: str | None = None


class Region(BaseModel):
    """A NUTS region (``dct:spatial``): its code, and its names where the graph has them."""

    model_config = _example(
        iri="http://data.europa.eu/nuts/code/DEA",
        code="DEA",
        name="North Rhine-Westphalia",
        names={"en": "North Rhine-Westphalia", "de": "Nordrhein-Westfalen"},
    )

    iri: str = Field(description="The region's IRI in the NUTS vocabulary of the EU Publications Office.")
    code: str = Field(description="The NUTS code (``skos:notation``, else the last segment of the IRI).")
    name: str = Field(description="Preferred name (English, else German); the code when the graph has no name.")
    names: Names = Field(
        default_factory=Names,
        description="Names by language from the NUTS graph (``clustergraph enrich nuts``); empty until it is loaded.",
    )


class SourceRef(Ref):
    """A source (a named graph) that states a fact."""

    model_config = _example(
        id="seed-report-1-4",
        iri=f"{BASE}source/seed-report-1-4",
        kind="source",
        name="Cluster-Dialog.NRW report 2022, section 1.4",
    )


class Figure(BaseModel):
    """A number that holds at a reference date ("more than 200 members in 2022")."""

    model_config = _example(
        id="its-owl-members-2022",
        iri=f"{BASE}figure/its-owl-members-2022",
        measure="MemberCount",
        value=200,
        qualifier="more than",
        reference_date="2022",
        sources=[],
    )

    id: str
    iri: str
    measure: str | None = Field(default=None, description="What is counted (cg: local name, e.g. MemberCount).")
    measure_name: str | None = None
    value: int | float | None = None
    qualifier: str | None = Field(default=None, description='"exact", "about" or "more than".')
    reference_date: str | None = Field(default=None, description="When the figure holds.")
    sources: list[SourceRef] = Field(default_factory=list)


class ClusterSummary(BaseModel):
    """A cluster or network as it appears in lists."""

    model_config = _example(
        id="its-owl",
        iri=f"{BASE}cluster/its-owl",
        name="it's OWL – Intelligent Technical Systems OstWestfalenLippe",
        names={"en": "it's OWL – Intelligent Technical Systems OstWestfalenLippe", "de": "it's OWL"},
        short_name="it's OWL",
        types=["LeadingEdgeCluster"],
        homepage="https://www.its-owl.de",
        cities=[{"id": "paderborn", "iri": f"{BASE}place/paderborn", "kind": "place", "name": "Paderborn"}],
        innovation_fields=[],
        technologies=[
            {"id": "industry-4-0", "iri": f"{BASE}technology/industry-4-0", "kind": "technology", "name": "Industry 4.0"}
        ],
        label_levels=["gold"],
        member_count=3,
        region={
            "iri": "http://data.europa.eu/nuts/code/DEA",
            "code": "DEA",
            "name": "North Rhine-Westphalia",
            "names": {"en": "North Rhine-Westphalia", "de": "Nordrhein-Westfalen"},
        },
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    short_name: str | None = None
    types: list[str] = Field(
        default_factory=list,
        description="Kinds of cluster (cg: class local names, e.g. StateCluster, CompetenceNetwork).",
    )
    homepage: str | None = None
    cities: list[Ref] = Field(
        default_factory=list, description="Where the cluster is based (else where its managing body is)."
    )
    innovation_fields: list[Ref] = Field(default_factory=list)
    technologies: list[Ref] = Field(default_factory=list)
    label_levels: list[str] = Field(
        default_factory=list, description="Levels of its cluster-management excellence labels (bronze/silver/gold)."
    )
    member_count: int = Field(default=0, description="Member organisations named in the graph (not a census).")
    region: Region | None = Field(
        default=None,
        description="The NUTS region the cluster works in (``dct:spatial``); the first by IRI if the graph names several.",
    )


class LabelAward(BaseModel):
    """One award of a cluster-management excellence label."""

    model_config = _example(
        id="its-owl-gold-2014",
        iri=f"{BASE}label/its-owl-gold-2014",
        name="it's OWL Gold label 2014",
        level="gold",
        cluster={"id": "its-owl", "iri": f"{BASE}cluster/its-owl", "kind": "cluster", "name": "it's OWL"},
        award_date="2014",
        sources=[],
    )

    id: str
    iri: str
    name: str | None = None
    level: Literal["bronze", "silver", "gold"] | None = None
    cluster: Ref | None = Field(default=None, description="The cluster the award belongs to.")
    awarded_to: list[Ref] = Field(default_factory=list, description="The cluster or its managing organisation.")
    awarded_by: list[Ref] = Field(default_factory=list)
    scheme: Ref | None = None
    award_date: str | None = None
    valid_until: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class ClusterDetail(ClusterSummary):
    """Everything the graph says about one cluster, with the sources of its facts."""

    description: str | None = None
    alt_names: list[str] = Field(default_factory=list)
    managed_by: list[Ref] = Field(default_factory=list)
    managing_body_unknown: bool = Field(
        default=False, description="True when no source names the organisation that manages the cluster."
    )
    founding_date: str | None = None
    eccp_profile: str | None = None
    labels: list[LabelAward] = Field(default_factory=list)
    programmes: list[Ref] = Field(default_factory=list)
    initiatives: list[Ref] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list, description="Every source that states a fact about it.")


class Member(BaseModel):
    """A member organisation of a cluster, with its role and where that is stated."""

    model_config = _example(
        id="fraunhofer-iem",
        iri=f"{BASE}organisation/fraunhofer-iem",
        kind="organisation",
        name="Fraunhofer IEM",
        types=["ResearchInstitute"],
        roles=["FoundingMember"],
        sources=[],
    )

    id: str
    iri: str
    kind: str | None = None
    name: str | None = None
    types: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list, description="org:role of the membership (cg: local names).")
    cities: list[Ref] = Field(default_factory=list, description="Where it is based.")
    sources: list[SourceRef] = Field(default_factory=list)


class ActorSummary(BaseModel):
    """An organisation: member, managing body, funder or awarding body."""

    model_config = _example(
        id="vci-nrw",
        iri=f"{BASE}organisation/vci-nrw",
        name="Verband der Chemischen Industrie e.V., Landesverband NRW",
        names={"de": "Verband der Chemischen Industrie e.V., Landesverband NRW"},
        short_name="VCI NRW",
        types=["Association"],
        cluster_count=1,
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    short_name: str | None = None
    types: list[str] = Field(default_factory=list)
    homepage: str | None = None
    cities: list[Ref] = Field(default_factory=list, description="Where it is based.")
    cluster_count: int = Field(default=0, description="Clusters it is a member of or manages.")


class ActorDetail(ActorSummary):
    """Everything the graph says about one organisation."""

    description: str | None = None
    alt_names: list[str] = Field(default_factory=list)
    founding_date: str | None = None
    member_of: list[Ref] = Field(default_factory=list, description="Clusters (and other bodies) it is a member of.")
    manages: list[Ref] = Field(default_factory=list, description="Clusters whose management it runs.")
    technologies: list[Ref] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)


class InnovationField(BaseModel):
    """An innovation field of the Regional Innovation Strategy NRW 2021-2027."""

    model_config = _example(
        id="key-technologies-ict",
        iri=f"{BASE}innovation-field/key-technologies-ict",
        name="Key Technologies of the Future & ICT",
        names={"en": "Key Technologies of the Future & ICT", "de": "Schlüsseltechnologien der Zukunft sowie IKT"},
        cross_cutting=True,
        cluster_count=4,
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    description: str | None = None
    cross_cutting: bool = Field(default=False, description="Serves the other fields (cg:isCrossCutting).")
    cluster_count: int = 0


class Technology(BaseModel):
    """A technology or sector focus that clusters work on."""

    model_config = _example(
        id="hydrogen",
        iri=f"{BASE}technology/hydrogen",
        name="hydrogen",
        names={"en": "hydrogen", "de": "Wasserstoff"},
        broader=[],
        cluster_count=2,
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    description: str | None = None
    broader: list[Ref] = Field(default_factory=list)
    cluster_count: int = 0


class Programme(BaseModel):
    """A funding programme and the clusters taking part in it."""

    model_config = _example(
        id="go-cluster",
        iri=f"{BASE}programme/go-cluster",
        name="go-cluster",
        names={"en": "go-cluster"},
        funded_by=[],
        clusters=[],
        cluster_count=0,
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    short_name: str | None = None
    description: str | None = None
    homepage: str | None = None
    launch_date: str | None = None
    funded_by: list[Ref] = Field(default_factory=list)
    part_of: list[Ref] = Field(default_factory=list)
    clusters: list[Ref] = Field(default_factory=list)
    cluster_count: int = 0


class Event(BaseModel):
    """An event, e.g. a plenary or info event of the Cluster-Dialog.NRW."""

    model_config = _example(
        id="cluster-dialog-info-event-2022-05-09",
        iri=f"{BASE}event/cluster-dialog-info-event-2022-05-09",
        name="Info event of the Cluster-Dialog.NRW on go-cluster and the ECCP",
        start_date="2022-05-09",
        topic_areas=[],
        organised_by=[],
    )

    id: str
    iri: str
    name: str | None = None
    names: Names = Field(default_factory=Names)
    description: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    url: str | None = None
    location: list[Ref] = Field(default_factory=list)
    topic_areas: list[Ref] = Field(default_factory=list)
    organised_by: list[Ref] = Field(default_factory=list)
    part_of: list[Ref] = Field(default_factory=list)
    participants: list[Ref] = Field(default_factory=list)


class Source(BaseModel):
    """A source: a named graph of the store and where its facts were read."""

    model_config = _example(
        id="seed-report-1-4",
        iri=f"{BASE}source/seed-report-1-4",
        title="Cluster-Dialog.NRW report 2022, section 1.4",
        section="1.4",
        editorial=False,
        triples=120,
    )

    id: str
    iri: str
    title: str | None = None
    url: str | None = Field(default=None, description="Public web address, if the source is a web page.")
    part_of: Ref | None = None
    section: str | None = None
    accessed: str | None = None
    editorial: bool = Field(default=False, description="Editorial choices of the project, not facts of a public source.")
    triples: int = Field(default=0, description="Number of triples in the source's named graph.")


class SearchHit(BaseModel):
    """One search result and why it matched."""

    model_config = _example(
        id="its-owl",
        iri=f"{BASE}cluster/its-owl",
        kind="cluster",
        name="it's OWL",
        matched_field="technology",
        matched_text="Industry 4.0",
        matched_lang="en",
    )

    id: str
    iri: str
    kind: str = Field(description="cluster, organisation, innovation-field, technology, programme, event, initiative.")
    name: str | None = None
    matched_field: str = Field(description="name, alt_name, short_name, technology, innovation_field or city.")
    matched_text: str
    matched_lang: str | None = Field(default=None, description="Language tag of matched_text (en, de); none if untagged.")


class Evidence(BaseModel):
    """Why two clusters are related: one kind of tie and the resources behind it."""

    model_config = _example(
        kind="shared_technology",
        weight=1.0,
        items=[{"id": "hydrogen", "iri": f"{BASE}technology/hydrogen", "kind": "technology", "name": "hydrogen"}],
    )

    kind: Literal[
        "shared_member",
        "shared_technology",
        "joint_programme",
        "shared_managing_body",
        "complementary_field",
        "shared_field",
    ]
    weight: float = Field(description="This kind's contribution to the score.")
    items: list[Ref] = Field(description="The actors, technologies, programmes or fields that tie the clusters.")


class RelatedCluster(BaseModel):
    """Another cluster, ranked by its ties to the one asked about."""

    model_config = _example(
        cluster={"id": "spin", "iri": f"{BASE}cluster/spin", "kind": "cluster", "name": "SPIN"},
        score=4.5,
        evidence=[Evidence.model_config["json_schema_extra"]["examples"][0]],
    )

    cluster: Ref
    score: float = Field(description="Sum of the evidence weights; see the matching documentation.")
    evidence: list[Evidence]


class Page(BaseModel, Generic[T]):
    """One page of a list in a stable order, with the total number of items."""

    data: list[T]
    count: int = Field(description="Total number of items matching the request (all pages).")
    limit: int = Field(description="Largest number of items on a page, as requested.")
    offset: int = Field(description="Number of items skipped before this page.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (media type application/problem+json)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "no cluster with id 'x'"}
            ]
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
