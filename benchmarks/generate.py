"""Seeded generator of a synthetic NRW-style cluster landscape in the clustergraph ontology.

Writes ``{out}/{size}-seed{seed}/``:

- ``synthetic.nq``: synthetic clusters (every cg:Cluster subclass) with names, managing
  bodies, innovation fields, technologies, places, founding years; actors (companies,
  SMEs, universities, research institutes, associations, public bodies); org:Membership
  resources plus the org:hasMember shortcut; label awards; dated member-count figures;
  events; programme participations. Every fact sits in the named graph of a synthetic
  source, and every source is described in the graph ``{base}source/catalogue``.
- ``bundled/``: a copy of the bundled data files (``data/``), whose innovation fields,
  topic areas, programmes, label scheme, initiatives and places the synthetic data
  points to. So the folder is a complete data directory: ``CLUSTERGRAPH_DATA_DIR`` can
  name it and the real loader validates it against ``shapes/`` like the bundled data.
- ``manifest.json``: seed, target, counts, and a hash of the bundled data it was built on.

Where the bundled data lacks something the synthetic data needs (an innovation field, a
topic area, a programme, a label scheme, the description of the catalogue source, ...),
a clearly named stand-in (``.../syn-standin-...``) is generated instead and listed in the
manifest. Synthetic data never goes into ``data/``.

The same seed and size over the same bundled data give byte-identical output.

    python benchmarks/generate.py --size 100k --seed 42
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, serialize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GENERATED_DIR, generated_dir, parse_size, size_label  # noqa: E402

from clustergraph.loading.parse import parse_path, rdf_files  # noqa: E402
from clustergraph.settings import Settings  # noqa: E402

GENERATOR_VERSION = "1"

CG = "https://w3id.org/clustergraph/ontology/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
NUTS_DEA = NamedNode("http://data.europa.eu/nuts/code/DEA")

CLUSTER_TYPES = [  # (class, weight)
    ("StateCluster", 40), ("CompetenceNetwork", 25), ("CompetenceCentre", 10), ("CompetencePlatform", 10),
    ("LeadingEdgeCluster", 5), ("FutureCluster", 5), ("CoordinationOffice", 5),
]
ACTOR_TYPES = [
    ("SME", 45), ("Company", 20), ("ResearchInstitute", 12), ("Association", 10), ("University", 8), ("PublicBody", 5),
]
LEVELS = [("Bronze", 5), ("Silver", 3), ("Gold", 2)]
QUALIFIERS = ["exact", "about", "more than"]

REGIONS = [
    "Rhein", "Ruhr", "Lippe", "Sieg", "Wupper", "Ems", "Eifel", "Sauerland", "Bergisch", "Münsterland",
    "Niederrhein", "Ostwestfalen", "Siegerland", "Emscher", "Erft", "Rur", "Weser", "Hellweg",
]
TOWNS = [
    "Aachen", "Bielefeld", "Bochum", "Bonn", "Bottrop", "Dortmund", "Duisburg", "Düsseldorf", "Essen",
    "Gelsenkirchen", "Hagen", "Hamm", "Herne", "Köln", "Krefeld", "Leverkusen", "Mönchengladbach",
    "Mülheim", "Münster", "Oberhausen", "Paderborn", "Remscheid", "Siegen", "Solingen", "Wuppertal",
    "Gütersloh", "Iserlohn", "Lünen", "Marl", "Minden", "Moers", "Neuss", "Ratingen", "Recklinghausen",
]
STEMS = [  # (German, English)
    ("Chemie", "chemistry"), ("Photonik", "photonics"), ("Logistik", "logistics"), ("Energie", "energy"),
    ("Robotik", "robotics"), ("Daten", "data"), ("Biotechnologie", "biotechnology"), ("Werkstoffe", "materials"),
    ("Maschinenbau", "mechanical engineering"), ("Medizintechnik", "medical technology"), ("Software", "software"),
    ("Kunststoff", "plastics"), ("Umwelttechnik", "environmental technology"), ("Wasserstoff", "hydrogen"),
    ("Mobilität", "mobility"), ("Gesundheit", "health"), ("Medien", "media"), ("Luftfahrt", "aerospace"),
    ("Quantentechnologie", "quantum technology"), ("Kreislaufwirtschaft", "circular economy"),
]
TECH_WORDS = [
    "additive manufacturing", "battery storage", "machine learning", "digital twins", "fuel cells",
    "electrolysis", "carbon capture", "lightweight construction", "sensor systems", "5G campus networks",
    "quantum sensing", "laser processing", "bioprocess engineering", "recycling of plastics", "smart grids",
    "autonomous driving", "drone logistics", "cybersecurity", "edge computing", "microelectronics",
    "surface coating", "medical imaging", "telemedicine", "precision farming", "water treatment",
    "heat pumps", "power electronics", "catalysis", "synthetic biology", "computer vision",
]
TECH_QUALIFIERS = ["for SMEs", "in production", "for the energy transition", "in logistics", "for health care",
                   "in construction", "for mobility", "in agriculture", "for the process industry"]
COMPANY_WORDS = ["Systeme", "Technik", "Solutions", "Werke", "Labs", "Engineering", "Innovation", "Consult"]
LEGAL_FORMS = ["GmbH", "AG", "GmbH & Co. KG", "SE", "KG", "UG"]


@dataclass
class Bundled:
    """IRIs found in the bundled data that the synthetic data refers to."""

    innovation_fields: list[NamedNode] = field(default_factory=list)
    topic_areas: list[NamedNode] = field(default_factory=list)
    programmes: list[NamedNode] = field(default_factory=list)
    label_schemes: list[NamedNode] = field(default_factory=list)
    initiatives: list[NamedNode] = field(default_factory=list)
    places: list[NamedNode] = field(default_factory=list)
    awarding_bodies: list[NamedNode] = field(default_factory=list)
    editors: list[NamedNode] = field(default_factory=list)
    catalogue_described: bool = False
    quads: int = 0
    files: list[Path] = field(default_factory=list)
    digest: str = ""


def discover(data_dir: Path, base: str) -> Bundled:
    """Parse the bundled data and list the resources the synthetic landscape can point to."""
    files = rdf_files([data_dir]) if data_dir.is_dir() else []
    store = Store()
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + path.read_bytes())
        store.extend(parse_path(path, base_iri=base))

    def iris(sparql: str) -> list[NamedNode]:
        rows = store.query("PREFIX cg: <%s> PREFIX prov: <%s> PREFIX schema: <%s> %s" % (CG, PROV, SCHEMA, sparql),
                           use_default_graph_as_union=True)
        return sorted({row[0] for row in rows if isinstance(row[0], NamedNode)}, key=lambda n: n.value)

    found = Bundled(files=files, quads=len(store), digest=digest.hexdigest()[:16])
    found.innovation_fields = iris("SELECT ?x WHERE { ?x a cg:InnovationField }")
    found.topic_areas = iris("SELECT ?x WHERE { ?x a cg:TopicArea }")
    found.programmes = iris("SELECT ?x WHERE { ?x a cg:FundingProgramme }")
    found.label_schemes = iris("SELECT ?x WHERE { ?x a cg:LabelScheme }")
    found.initiatives = iris("SELECT ?x WHERE { ?x a cg:Initiative }")
    found.places = iris("SELECT ?x WHERE { ?x a schema:Place }")
    found.awarding_bodies = iris("SELECT ?x WHERE { ?l cg:awardedBy ?x }")
    found.editors = iris("SELECT ?x WHERE { ?s a cg:EditorialSource ; prov:wasAttributedTo ?x }")
    found.catalogue_described = bool(
        store.query(f"ASK {{ <{base}source/catalogue> a <{CG}Source> }}", use_default_graph_as_union=True)
    )
    return found


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class Landscape:
    """Builds the synthetic quads; ``quads`` grows as resources are made."""

    def __init__(self, base: str, seed: int, bundled: Bundled) -> None:
        self.base = base
        self.rng = random.Random(seed)
        self.bundled = bundled
        self.quads: list[Quad] = []
        self.catalogue = NamedNode(f"{base}source/catalogue")
        self.standins: list[str] = []
        self.actors: list[tuple[NamedNode, str]] = []  # (IRI, class)
        self.places: list[NamedNode] = list(bundled.places)
        self.technologies: list[NamedNode] = []
        self.clusters = 0
        self.registry: NamedNode | None = None
        self._registry_fill = 0
        self._registries = 0

    # -- terms ----------------------------------------------------------
    def iri(self, kind: str, slug: str) -> NamedNode:
        return NamedNode(f"{self.base}{kind}/{slug}")

    @staticmethod
    def lit(text: str, lang: str | None = None) -> Literal:
        return Literal(text, language=lang) if lang else Literal(text)

    @staticmethod
    def typed(text: str, datatype: str) -> Literal:
        return Literal(text, datatype=NamedNode(XSD + datatype))

    def add(self, graph: NamedNode, s: NamedNode, p: str, o) -> None:
        self.quads.append(Quad(s, NamedNode(p), o, graph))

    def a(self, graph: NamedNode, s: NamedNode, cls: str) -> None:
        self.quads.append(Quad(s, RDF_TYPE, NamedNode(cls), graph))

    # -- sources ----------------------------------------------------------
    def source(self, slug: str, title: str, url: str | None = None, *, editorial_from: NamedNode | None = None) -> NamedNode:
        """Describe a synthetic source in the catalogue graph and return its IRI (= its graph)."""
        src = self.iri("source", slug)
        g = self.catalogue
        self.a(g, src, CG + "Source")
        self.add(g, src, DCT + "title", self.lit(title))
        if editorial_from is not None:
            self.a(g, src, CG + "EditorialSource")
            self.add(g, src, PROV + "wasAttributedTo", self.editors)
            self.add(g, src, PROV + "wasDerivedFrom", editorial_from)
        else:
            self.add(g, src, SCHEMA + "url", NamedNode(url or f"https://{slug}.example.org/"))
            self.add(g, src, CG + "accessed", self.typed(f"2025-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}", "date"))
        return src

    # -- fixed parts ------------------------------------------------------
    def setup(self) -> None:
        """Stand-ins for what the bundled data lacks, the places, technologies and shared sources."""
        b = self.bundled
        standin = None
        if not b.catalogue_described or not (b.innovation_fields and b.topic_areas and b.programmes and b.label_schemes and b.editors and b.awarding_bodies):
            standin = self.source("syn-standins", "Synthetic stand-ins for bundled resources not yet in data/")
        if not b.catalogue_described:
            g = self.catalogue
            self.a(g, self.catalogue, CG + "Source")
            self.add(g, self.catalogue, DCT + "title", self.lit("Catalogue of sources (synthetic stand-in)"))
            self.add(g, self.catalogue, SCHEMA + "url", NamedNode("https://catalogue.example.org/"))
            self.standins.append("source/catalogue description")
        self.editors = b.editors[0] if b.editors else self._standin_org(standin, "syn-standin-editors", "Synthetic editors")
        self.awarding_body = (
            b.awarding_bodies[0] if b.awarding_bodies else self._standin_org(standin, "syn-standin-label-body", "Synthetic label body")
        )
        self.innovation_fields = b.innovation_fields or self._standin_concepts(standin, "InnovationField", "innovation-field", 7)
        self.topic_areas = b.topic_areas or self._standin_concepts(standin, "TopicArea", "topic-area", 5)
        self.programmes = b.programmes or self._standin_programmes(standin, 3)
        self.label_schemes = b.label_schemes or [self._standin_label_scheme(standin)]
        self.initiatives = b.initiatives

        self.gazetteer = self.source("syn-gazetteer", "Synthetic gazetteer and technology thesaurus")
        for town in TOWNS:
            place = self.iri("place", "syn-" + slugify(town))
            self.a(self.gazetteer, place, SCHEMA + "Place")
            self.add(self.gazetteer, place, SKOS + "prefLabel", self.lit(town, "de"))
            self.add(self.gazetteer, place, DCT + "isPartOf", NUTS_DEA)
            self.places.append(place)
        self.tech_scheme = self.iri("scheme", "syn-technologies")
        self.a(self.gazetteer, self.tech_scheme, SKOS + "ConceptScheme")
        self.add(self.gazetteer, self.tech_scheme, SKOS + "prefLabel", self.lit("Synthetic technologies", "en"))
        for word in TECH_WORDS:
            self.technology(word)
        self.editorial = self.source("syn-editorial", "Synthetic editorial assignments of innovation fields",
                                     editorial_from=self.gazetteer)
        self.labels_source: NamedNode | None = None
        self.programmes_source: NamedNode | None = None

    def _standin_org(self, graph, slug: str, name: str) -> NamedNode:
        org = self.iri("organisation", slug)
        self.a(graph, org, CG + "Association")
        self.add(graph, org, SKOS + "prefLabel", self.lit(name, "en"))
        self.standins.append(f"organisation/{slug}")
        return org

    def _standin_concepts(self, graph, cls: str, kind: str, n: int) -> list[NamedNode]:
        scheme = self.iri("scheme", f"syn-standin-{kind}s")
        self.a(graph, scheme, SKOS + "ConceptScheme")
        self.add(graph, scheme, SKOS + "prefLabel", self.lit(f"Synthetic stand-in {kind}s", "en"))
        found = []
        for i in range(1, n + 1):
            c = self.iri(kind, f"syn-standin-{i}")
            self.a(graph, c, CG + cls)
            self.a(graph, c, SKOS + "Concept")
            self.add(graph, c, SKOS + "prefLabel", self.lit(f"Synthetic {kind} {i}", "en"))
            self.add(graph, c, SKOS + "inScheme", scheme)
            found.append(c)
        self.standins.append(f"{n} x {cls}")
        return found

    def _standin_programmes(self, graph, n: int) -> list[NamedNode]:
        found = []
        for i in range(1, n + 1):
            p = self.iri("programme", f"syn-standin-{i}")
            self.a(graph, p, CG + "FundingProgramme")
            self.add(graph, p, SKOS + "prefLabel", self.lit(f"Synthetic programme {i}", "en"))
            found.append(p)
        self.standins.append(f"{n} x FundingProgramme")
        return found

    def _standin_label_scheme(self, graph) -> NamedNode:
        s = self.iri("initiative", "syn-standin-label-scheme")
        self.a(graph, s, CG + "LabelScheme")
        self.add(graph, s, SKOS + "prefLabel", self.lit("Synthetic label scheme", "en"))
        self.standins.append("LabelScheme")
        return s

    def technology(self, name: str) -> NamedNode:
        t = self.iri("technology", f"syn-t{len(self.technologies) + 1:05d}")
        g = self.gazetteer
        self.a(g, t, CG + "Technology")
        self.a(g, t, SKOS + "Concept")
        self.add(g, t, SKOS + "prefLabel", self.lit(name, "en"))
        self.add(g, t, SKOS + "inScheme", self.tech_scheme)
        self.technologies.append(t)
        return t

    # -- actors -----------------------------------------------------------
    def new_actor(self) -> tuple[NamedNode, str]:
        """An actor described in the current registry source (500 actors per source)."""
        if self.registry is None or self._registry_fill >= 500:
            self._registries += 1
            self.registry = self.source(f"syn-registry-{self._registries}", f"Synthetic company register, part {self._registries}")
            self._registry_fill = 0
        self._registry_fill += 1
        rng, g = self.rng, self.registry
        n = len(self.actors) + 1
        cls = weighted(rng, ACTOR_TYPES)
        actor = self.iri("organisation", f"syn-a{n:06d}")
        town = rng.choice(TOWNS)
        stem = rng.choice(STEMS)[0]
        if cls in ("SME", "Company"):
            name = f"{rng.choice(REGIONS)} {stem} {rng.choice(COMPANY_WORDS)} {rng.choice(LEGAL_FORMS)}"
        elif cls == "University":
            name = f"{rng.choice(['Hochschule', 'Universität', 'Technische Hochschule'])} {town} {n}"
        elif cls == "ResearchInstitute":
            name = f"Institut für {stem} {town} {n}"
        elif cls == "Association":
            name = f"Verband {stem} {rng.choice(REGIONS)} e.V."
        else:
            name = f"Amt für {stem} {town}"
        self.a(g, actor, CG + cls)
        self.add(g, actor, SKOS + "prefLabel", self.lit(name, "de"))
        self.add(g, actor, CG + "basedIn", rng.choice(self.places))
        if rng.random() < 0.7:
            self.add(g, actor, FOAF + "homepage", NamedNode(f"https://a{n}.example.com/"))
        if rng.random() < 0.5:
            self.add(g, actor, CG + "technology", rng.choice(self.technologies))
        self.actors.append((actor, cls))
        return actor, cls

    # -- clusters ---------------------------------------------------------
    def cluster(self) -> None:
        """One cluster with its members, labels, figures, events and programme participations."""
        rng = self.rng
        self.clusters += 1
        i = self.clusters
        slug = f"syn-c{i:05d}"
        cluster = self.iri("cluster", slug)
        stem_de, stem_en = rng.choice(STEMS)
        region = rng.choice(REGIONS)
        web = self.source(f"syn-web-c{i:05d}", f"Website of the synthetic cluster {stem_de}.{region} {i}",
                          f"https://c{i}.example.net/")
        members_src = self.source(f"syn-members-c{i:05d}", f"Member list of the synthetic cluster {stem_de}.{region} {i}",
                                  f"https://c{i}.example.net/members")
        if len(self.technologies) < 30 + i // 2:  # the thesaurus grows with the landscape
            self.technology(f"{rng.choice(TECH_WORDS)} {rng.choice(TECH_QUALIFIERS)} {len(self.technologies) + 1}")

        # members: about a third already belong to other clusters (cross-cluster ties)
        count = rng.randint(8, 70)
        members: list[tuple[NamedNode, str]] = []
        seen: set[str] = set()
        while len(members) < count:
            pick = rng.choice(self.actors) if self.actors and rng.random() < 0.35 else self.new_actor()
            if pick[0].value not in seen:
                seen.add(pick[0].value)
                members.append(pick)

        g = web
        self.a(g, cluster, CG + weighted(rng, CLUSTER_TYPES))
        self.add(g, cluster, SKOS + "prefLabel", self.lit(f"Cluster {stem_de} {region} {i}", "de"))
        self.add(g, cluster, SKOS + "prefLabel", self.lit(f"{region} {stem_en} cluster {i}", "en"))
        self.add(g, cluster, CG + "shortName", self.lit(f"{stem_de}.{region}-{i}"))
        self.add(g, cluster, FOAF + "homepage", NamedNode(f"https://c{i}.example.net/"))
        self.add(g, cluster, DCT + "description", self.lit(
            f"Synthetic network of {count} organisations around {stem_en} in the {region} region.", "en"))
        self.add(g, cluster, DCT + "spatial", NUTS_DEA)
        self.add(g, cluster, CG + "basedIn", rng.choice(self.places))
        if rng.random() < 0.85:
            self.add(g, cluster, CG + "foundingDate", self.typed(str(rng.randint(1995, 2023)), "gYear"))
        managers = [m for m, cls in members if cls in ("Association", "Company", "SME")]
        if managers and rng.random() < 0.95:
            self.add(g, cluster, CG + "managedBy", rng.choice(managers))
        else:
            self.add(g, cluster, CG + "managingBodyUnknown", self.typed("true", "boolean"))
        for tech in rng.sample(self.technologies, rng.randint(1, 4)):
            self.add(g, cluster, CG + "technology", tech)
        for fld in rng.sample(self.innovation_fields, min(len(self.innovation_fields), rng.choice([1, 1, 1, 2, 2, 3]))):
            self.add(self.editorial, cluster, CG + "innovationField", fld)

        # dated member counts
        for year in sorted(rng.sample(range(2015, 2025), rng.randint(1, 3))):
            fig = self.iri("figure", f"{slug}-members-{year}")
            self.a(g, fig, CG + "Figure")
            self.add(g, fig, CG + "value", self.typed(str(max(1, count + rng.randint(-10, 10))), "integer"))
            self.add(g, fig, CG + "qualifier", self.lit(rng.choice(QUALIFIERS)))
            self.add(g, fig, CG + "referenceDate", self.typed(str(year), "gYear"))
            self.add(g, fig, CG + "figureOf", cluster)
            self.add(g, fig, CG + "measure", NamedNode(CG + "MemberCount"))

        # events organised by the cluster
        for k in range(1, rng.choice([0, 1, 1, 2, 3]) + 1):
            ev = self.iri("event", f"{slug}-e{k}")
            self.a(g, ev, CG + "Event")
            self.add(g, ev, SKOS + "prefLabel", self.lit(f"{stem_de}-Forum {region} {i}.{k}", "de"))
            self.add(g, ev, SCHEMA + "startDate", self.typed(
                f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"))
            self.add(g, ev, CG + "organisedBy", cluster)
            self.add(g, ev, CG + "topicArea", rng.choice(self.topic_areas))
            self.add(g, ev, SCHEMA + "location", rng.choice(self.places))
            if self.initiatives and rng.random() < 0.2:
                self.add(g, ev, CG + "partOfInitiative", rng.choice(self.initiatives))
            for member, _cls in rng.sample(members, min(len(members), rng.randint(2, 6))):
                self.add(g, ev, CG + "participant", member)

        # memberships, each as an org:Membership and the org:hasMember shortcut
        for member, _cls in members:
            ms = self.iri("membership", f"{slug}-{member.value.rsplit('/', 1)[1]}")
            self.a(members_src, ms, ORG + "Membership")
            self.add(members_src, ms, ORG + "member", member)
            self.add(members_src, ms, ORG + "organization", cluster)
            if rng.random() < 0.15:
                self.add(members_src, ms, ORG + "role", NamedNode(CG + rng.choice(["FoundingMember", "Partner"])))
            self.add(members_src, cluster, ORG + "hasMember", member)

        # label awards (a register source per 50 clusters)
        if rng.random() < 0.3:
            if self.labels_source is None or i % 50 == 1:
                self.labels_source = self.source(f"syn-labels-{i:05d}", f"Synthetic label register from cluster {i}")
            lg = self.labels_source
            year = rng.randint(2012, 2022)
            for k in range(1, rng.choice([1, 1, 2, 3]) + 1):
                aw = self.iri("label", f"{slug}-l{k}")
                level = weighted(rng, LEVELS)
                self.a(lg, aw, CG + "LabelAward")
                self.add(lg, aw, SKOS + "prefLabel", self.lit(f"{level} label {year} of cluster {i}", "en"))
                self.add(lg, aw, CG + "awardedTo", cluster)
                self.add(lg, aw, CG + "labelLevel", NamedNode(CG + level))
                self.add(lg, aw, CG + "awardedBy", self.awarding_body)
                self.add(lg, aw, CG + "labelScheme", rng.choice(self.label_schemes))
                date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                self.add(lg, aw, CG + "awardDate", self.typed(date, "date"))
                self.add(lg, aw, CG + "validUntil", self.typed(f"{year + 2}{date[4:]}", "date"))
                self.add(lg, cluster, CG + "label", aw)
                year += 2

        # programme participations (a register source per 50 clusters)
        if rng.random() < 0.4:
            if self.programmes_source is None or i % 50 == 1:
                self.programmes_source = self.source(f"syn-programmes-{i:05d}", f"Synthetic programme register from cluster {i}")
            pg = self.programmes_source
            for k, programme in enumerate(rng.sample(self.programmes, rng.randint(1, min(2, len(self.programmes)))), 1):
                part = self.iri("participation", f"{slug}-p{k}")
                self.a(pg, part, CG + "ProgrammeParticipation")
                self.add(pg, part, CG + "participant", cluster)
                self.add(pg, part, CG + "programme", programme)
                self.add(pg, cluster, CG + "participatesIn", part)
                self.add(pg, cluster, CG + "fundingProgramme", programme)


def slugify(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
    out = "".join(c if c.isalnum() else "-" for c in text.translate(table).lower())
    return "-".join(part for part in out.split("-") if part)


def generate(size: int, seed: int, *, out_root: Path = GENERATED_DIR, settings: Settings | None = None) -> Path:
    """Write the landscape of about ``size`` quads (bundled + synthetic) and return its folder."""
    settings = settings or Settings(store="memory")
    base = settings.base_iri
    bundled = discover(settings.data_dir, base)
    land = Landscape(base, seed, bundled)
    land.setup()
    target = max(0, size - bundled.quads)
    while len(land.quads) < target:
        land.cluster()

    folder = generated_dir(size, seed, out_root)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "bundled").mkdir(parents=True)
    for path in bundled.files:
        dest = folder / "bundled" / path.relative_to(settings.data_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    serialize(land.quads, str(folder / "synthetic.nq"), format=RdfFormat.N_QUADS)
    graphs = {q.graph_name.value for q in land.quads}
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "target_quads": size,
        "size_label": size_label(size),
        "base_iri": base,
        "bundled_quads": bundled.quads,
        "bundled_files": len(bundled.files),
        "bundled_digest": bundled.digest,
        "synthetic_quads": len(land.quads),
        "total_quads": bundled.quads + len(land.quads),
        "synthetic_graphs": len(graphs),
        "clusters": land.clusters,
        "actors": len(land.actors),
        "technologies": len(land.technologies),
        "standins": land.standins,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", default=None, help="target quads, e.g. 10k, 100k, 1M (repeatable; default 10k 100k 1M)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=GENERATED_DIR, help="root folder (default benchmarks/generated, never data/)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    data_dir = Settings(store="memory").data_dir.resolve()
    if out == data_dir or data_dir in out.parents:
        parser.error("the generated landscape must not be written into data/")
    for text in args.size or ["10k", "100k", "1M"]:
        started = time.perf_counter()
        folder = generate(parse_size(text), args.seed, out_root=out)
        m = json.loads((folder / "manifest.json").read_text())
        print(
            f"{folder}: {m['total_quads']} quads ({m['synthetic_quads']} synthetic in {m['synthetic_graphs']} graphs "
            f"+ {m['bundled_quads']} bundled), {m['clusters']} clusters, {m['actors']} actors, "
            f"{time.perf_counter() - started:.1f} s"
            + (f"; stand-ins for: {', '.join(m['standins'])}" if m["standins"] else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
