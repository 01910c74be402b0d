//! IRI constants: amity's own vocabulary (mirroring `ontology/amity.ttl`) and the standard
//! vocabularies it reuses.
//!
//! Every term in [`am`] must be declared in the ontology with an English and a Chinese label; the
//! test `ontology_declares_every_emitted_term` checks this against what the mapper really emits.

use oxigraph::model::NamedNodeRef;

/// Base of every IRI amity mints.
pub const BASE: &str = "https://w3id.org/amity/";
/// Namespace of amity's classes and properties.
pub const AM_NS: &str = "https://w3id.org/amity/ns#";
/// Prefix of resource IRIs (`{ID_NS}{kind}/{id}`).
pub const ID_NS: &str = "https://w3id.org/amity/id/";
/// Prefix of named graphs (`{GRAPH_NS}{name}`).
pub const GRAPH_NS: &str = "https://w3id.org/amity/graph/";
/// Prefix of SKOS concepts (`{CONCEPT_NS}{scheme}/{key}`).
pub const CONCEPT_NS: &str = "https://w3id.org/amity/concept/";
/// Wikidata entities.
pub const WD_NS: &str = "http://www.wikidata.org/entity/";

/// The named graph holding the ontology itself, so labels are queryable next to the data.
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/amity/graph/ontology";
/// The named graph for rows taken from a public source rather than a report passage.
pub const REFERENCE_GRAPH: &str = "https://w3id.org/amity/graph/reference";
/// The named graph of the Wikidata sister-city network (P190), loaded from `data/wikidata/`.
pub const WIKIDATA_GRAPH: &str = "https://w3id.org/amity/graph/wikidata-p190";
/// The named graph of derived network metrics, written after each load.
pub const METRICS_GRAPH: &str = "https://w3id.org/amity/graph/metrics";

macro_rules! terms {
    ($ns:literal; $($(#[$doc:meta])* $name:ident = $local:literal;)*) => {
        $($(#[$doc])* pub const $name: NamedNodeRef<'static> =
            NamedNodeRef::new_unchecked(concat!($ns, $local));)*
        /// Every term of this module, for checks against the ontology.
        pub const ALL: &[NamedNodeRef<'static>] = &[$($name),*];
    };
}

/// amity's own classes and properties.
pub mod am {
    use super::NamedNodeRef;
    terms! { "https://w3id.org/amity/ns#";
        /// A source document, such as a progress report.
        REPORT = "Report";
        /// One sentence of a report, with its verbatim text.
        PASSAGE = "Passage";
        /// A numbered key task of a work report.
        TASK = "Task";
        /// Any organisation.
        ORGANISATION = "Organisation";
        /// A division of a government office.
        DEPARTMENT = "Department";
        /// A named person.
        PERSON = "Person";
        /// Any place.
        PLACE = "Place";
        /// Place level: continent.
        CONTINENT = "Continent";
        /// Place level: country.
        COUNTRY = "Country";
        /// Place level: province, state, prefecture, special administrative region.
        REGION = "Region";
        /// Place level: city (including provincial-level municipalities).
        CITY = "City";
        /// Place level: district of a city.
        DISTRICT = "District";
        /// Place level: a venue or area inside a city.
        SITE = "Site";
        /// A twinning or friendly-exchange tie between two places.
        FRIENDSHIP_TIE = "FriendshipTie";
        /// A signed or implemented agreement.
        AGREEMENT = "Agreement";
        /// A meeting, visit, celebration or other activity.
        EVENT = "Event";
        /// A construction or development project.
        PROJECT = "Project";
        /// A policy, initiative, list or publication.
        DOCUMENT = "Document";

        TEXT = "text";
        PARAGRAPH = "paragraph";
        SENTENCE = "sentence";
        CHAR_START = "charStart";
        CHAR_END = "charEnd";
        QUOTE = "quote";
        SOURCE_NAME = "sourceName";
        PERIOD_START = "periodStart";
        PERIOD_END = "periodEnd";
        DATE_BASIS = "dateBasis";
        COMPLETENESS = "completeness";
        NOTE = "note";
        TASK_NUMBER = "taskNumber";
        TASK_TEXT = "taskText";
        PROGRESS_TEXT = "progressText";
        LEAD_DEPARTMENT = "leadDepartment";
        TASK_PASSAGE = "taskPassage";
        PROGRESS_PASSAGE = "progressPassage";
        IN_TASK = "task";
        ORGANISATION_KIND = "organisationKind";
        PARENT_ORGANISATION = "parentOrganisation";
        BASED_IN = "basedIn";
        ROLE = "role";
        AFFILIATION = "affiliation";
        ADMIN_TYPE = "adminType";
        PART_OF = "partOf";
        COUNTRY_OF = "country";
        COORDINATE_SOURCE = "coordinateSource";
        WIKIDATA = "wikidata";
        PARTY = "party";
        TIE_KIND = "tieKind";
        START_YEAR = "startYear";
        START_DATE = "startDate";
        START_BASIS = "startBasis";
        BASIS_NOTE = "basisNote";
        EVIDENCE = "evidence";
        AGREEMENT_KIND = "agreementKind";
        SIGNING_LEVEL = "signingLevel";
        STATUS = "status";
        PART_OF_AGREEMENT = "partOfAgreement";
        OUTCOME_OF = "outcomeOf";
        EVENT_KIND = "eventKind";
        HELD_IN = "heldIn";
        COUNTERPART = "counterpart";
        PARTICIPANT = "participant";
        ORGANISER = "organiser";
        ABOUT = "about";
        PARTICIPANT_ROLE = "participantRole";
        FIELD = "field";
        COUNTED_PROPERTY = "countedProperty";
        REPORTED_COUNT = "reportedCount";
        COUNT_UNIT = "countUnit";
        NAMED_COUNT = "namedCount";
        PARTIAL_LIST = "partialList";
        ORDINAL = "ordinal";
        ANNIVERSARY = "anniversary";
        CELEBRATES = "celebrates";
        IMPLEMENTS = "implements";
        SUB_EVENT_OF = "subEventOf";
        PART_OF_PROJECT = "partOfProject";
        LOCATION = "location";
        PROGRESS_PERCENT = "progressPercent";
        PROGRESS_MEASURE = "progressMeasure";
        DOCUMENT_KIND = "documentKind";
        ISSUER = "issuer";

        // The Wikidata twin network (src/mapping/wikidata.rs).
        /// An entity of the Wikidata sister-city network.
        WIKIDATA_PLACE = "WikidataPlace";
        WIKIDATA_COUNTRY = "wikidataCountry";
        /// One undirected link of the Wikidata sister-city network.
        WIKIDATA_TWIN_PAIR = "WikidataTwinPair";
        LISTED_BY = "listedBy";
        RECIPROCAL = "reciprocal";
        STATEMENT_COUNT = "statementCount";

        // Network metrics (src/network/metrics.rs, graph `metrics`).
        /// A network view with its metrics.
        NETWORK = "Network";
        IN_NETWORK = "inNetwork";
        NODE_COUNT = "nodeCount";
        EDGE_COUNT = "edgeCount";
        COMPONENT_COUNT = "componentCount";
        MODULARITY = "modularity";
        DEGREE = "degree";
        PAGERANK = "pagerank";
        BETWEENNESS = "betweenness";
        CLOSENESS = "closeness";
        COMMUNITY = "community";
        COMPONENT_SIZE = "componentSize";
        ARTICULATION_POINT = "articulationPoint";
        BRIDGE_TO = "bridgeTo";

        // The service description (src/server/describe.rs).
        GRAPH_STORE = "graphStore";
        STALE_SINCE = "staleSince";

        // Text search in SPARQL (src/engine/text.rs): SERVICE am:search { ... }.
        SEARCH = "search";
        QUERY = "query";
        LIMIT = "limit";
        LANG = "lang";
        KIND = "kind";
        SCORE = "score";
        MATCHED = "matched";
    }
}

/// `rdf:`
pub mod rdf {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        TYPE = "type";
    }
}

/// `rdfs:`
pub mod rdfs {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/2000/01/rdf-schema#";
        LABEL = "label";
        COMMENT = "comment";
    }
}

/// `skos:`
pub mod skos {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/2004/02/skos/core#";
        ALT_LABEL = "altLabel";
        IN_SCHEME = "inScheme";
        CONCEPT = "Concept";
    }
}

/// `dcterms:`
pub mod dcterms {
    use super::NamedNodeRef;
    terms! { "http://purl.org/dc/terms/";
        TITLE = "title";
        DATE = "date";
        PUBLISHER = "publisher";
        IS_PART_OF = "isPartOf";
        DESCRIPTION = "description";
        SOURCE = "source";
        LICENSE = "license";
    }
}

/// `prov:`
pub mod prov {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/ns/prov#";
        WAS_DERIVED_FROM = "wasDerivedFrom";
        WAS_ATTRIBUTED_TO = "wasAttributedTo";
        WAS_GENERATED_BY = "wasGeneratedBy";
        ACTIVITY = "Activity";
        STARTED_AT_TIME = "startedAtTime";
    }
}

/// W3C Basic Geo (WGS84 lat/long).
pub mod geo {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/2003/01/geo/wgs84_pos#";
        LAT = "lat";
        LONG = "long";
    }
}

/// GeoSPARQL.
pub mod geosparql {
    use super::NamedNodeRef;
    terms! { "http://www.opengis.net/ont/geosparql#";
        HAS_GEOMETRY = "hasGeometry";
        AS_WKT = "asWKT";
        WKT_LITERAL = "wktLiteral";
        GEOMETRY = "Geometry";
    }
}

/// `xsd:` datatypes.
pub mod xsd {
    use super::NamedNodeRef;
    terms! { "http://www.w3.org/2001/XMLSchema#";
        INTEGER = "integer";
        DECIMAL = "decimal";
        DATE = "date";
        G_YEAR = "gYear";
        BOOLEAN = "boolean";
        DATE_TIME = "dateTime";
        DOUBLE = "double";
    }
}

/// The controlled lists (SKOS concept schemes) a CSV enum column may take, with their keys.
///
/// A key becomes the concept `{CONCEPT_NS}{scheme}/{key}`; the ontology declares each one.
pub mod schemes {
    /// `(scheme name, allowed keys)`.
    pub type Scheme = (&'static str, &'static [&'static str]);

    pub const EVENT_KIND: Scheme = (
        "event-kind",
        &[
            "leader_meeting",
            "delegation_received",
            "cultural_event",
            "anniversary_celebration",
            "training",
            "festival",
            "conference",
            "publicity",
            "signing",
            "exchange_cooperation",
            "ceremony",
            "visit",
            "service_support",
            "policy_implementation",
            "policy_briefing",
            "institution_setup",
            "survey",
            "performance",
            "exhibition",
            "database_update",
            "promotion",
            "activity",
            "reported_total",
        ],
    );
    pub const AGREEMENT_KIND: Scheme = (
        "agreement-kind",
        &[
            "twinning_agreement",
            "memorandum",
            "letter_of_intent",
            "cooperation_plan",
            "work_points",
            "strategic_cooperation_agreement",
            "agreement",
            "cooperation_agreement",
            "framework_agreement",
            "action_plan",
            "joint_statement",
            "declaration",
            "protocol",
            "minutes",
            "contract",
        ],
    );
    pub const TIE_KIND: Scheme = (
        "tie-kind",
        &[
            "twinning",
            "friendly_exchange",
            "intended_friendly_relations",
        ],
    );
    pub const SIGNING_LEVEL: Scheme = (
        "signing-level",
        &["national", "provincial", "city", "district"],
    );
    pub const STATUS: Scheme = (
        "status",
        &[
            "completed",
            "ongoing",
            "planned",
            "in_preparation",
            "signed",
            "in_implementation",
        ],
    );
    pub const DATE_BASIS: Scheme = ("date-basis", &["stated", "derived"]);
    pub const COMPLETENESS: Scheme = ("completeness", &["complete", "excerpt"]);
    pub const ADMIN_TYPE: Scheme = (
        "admin-type",
        &[
            "continent",
            "sovereign_state",
            "municipality",
            "special_administrative_region",
            "region",
            "state",
            "federal_state",
            "prefecture",
            "province",
            "city",
            "urban_district",
            "city_district",
            "venue",
            "area",
        ],
    );
    pub const ORGANISATION_KIND: Scheme = (
        "organisation-kind",
        &[
            "government",
            "government_office",
            "government_division",
            "central_authority",
            "government_body",
            "leading_group",
            "working_group",
            "alliance",
            "service_centre",
            "international_organisation",
            "company",
        ],
    );
    pub const DOCUMENT_KIND: Scheme = (
        "document-kind",
        &[
            "work_report",
            "initiative",
            "policy",
            "project_list",
            "project_database",
            "news_item",
            "guide",
        ],
    );
    /// Every scheme, for the ontology test.
    pub const ALL: &[Scheme] = &[
        EVENT_KIND,
        AGREEMENT_KIND,
        TIE_KIND,
        SIGNING_LEVEL,
        STATUS,
        DATE_BASIS,
        COMPLETENESS,
        ADMIN_TYPE,
        ORGANISATION_KIND,
        DOCUMENT_KIND,
    ];
}

/// The IRI of a concept in a scheme.
pub fn concept(scheme: &str, key: &str) -> String {
    format!("{CONCEPT_NS}{scheme}/{key}")
}

/// The IRI of a resource of some kind (`place`, `event`, …).
pub fn resource(kind: &str, id: &str) -> String {
    format!("{ID_NS}{kind}/{id}")
}

/// The IRI of a named graph.
pub fn graph(name: &str) -> String {
    format!("{GRAPH_NS}{name}")
}

/// The SPARQL prefixes every gallery query may assume.
pub const SPARQL_PREFIXES: &str = "PREFIX am: <https://w3id.org/amity/ns#>
PREFIX id: <https://w3id.org/amity/id/>
PREFIX place: <https://w3id.org/amity/id/place/>
PREFIX concept: <https://w3id.org/amity/concept/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX wd: <http://www.wikidata.org/entity/>
";
