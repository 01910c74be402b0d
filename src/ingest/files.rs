//! The files amity reads from a `data/` folder, in load order, with the columns each must have.

use crate::model::Kind;

/// A file amity reads: its name, the kind of its rows, and the columns it must have.
pub(super) struct FileSpec {
    pub(super) name: &'static str,
    pub(super) kind: Kind,
    pub(super) columns: &'static [&'static str],
}

pub(super) const FILES: &[FileSpec] = &[
    FileSpec {
        name: "reports.csv",
        kind: Kind::Report,
        columns: &[
            "id",
            "title_zh",
            "title_en",
            "publisher",
            "source_zh",
            "date",
            "period_start",
            "period_end",
            "text_file",
        ],
    },
    FileSpec {
        name: "passages.csv",
        kind: Kind::Passage,
        columns: &["id", "report", "paragraph", "sentence", "text"],
    },
    FileSpec {
        name: "tasks.csv",
        kind: Kind::Task,
        columns: &[
            "id",
            "report",
            "number",
            "title_en",
            "lead_department",
            "task_passages",
            "lead_passage",
            "progress_passages",
        ],
    },
    FileSpec {
        name: "departments.csv",
        kind: Kind::Department,
        columns: &["id", "name_zh", "name_en", "parent", "passage", "quote"],
    },
    FileSpec {
        name: "organisations.csv",
        kind: Kind::Organisation,
        columns: &[
            "id", "name_zh", "name_en", "alt_zh", "kind", "parent", "based_in", "note", "passage",
            "quote", "source",
        ],
    },
    FileSpec {
        name: "persons.csv",
        kind: Kind::Person,
        columns: &[
            "id",
            "name_zh",
            "name_en",
            "role_zh",
            "role_en",
            "affiliation",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "places.csv",
        kind: Kind::Place,
        columns: &[
            "id",
            "name_zh",
            "name_en",
            "alt_zh",
            "level",
            "admin_type",
            "part_of",
            "lat",
            "lon",
            "coord_source",
            "wikidata",
            "note",
            "passage",
            "quote",
            "source",
        ],
    },
    FileSpec {
        name: "ties.csv",
        kind: Kind::Tie,
        columns: &[
            "id",
            "place_a",
            "place_b",
            "kind",
            "start_year",
            "start_date",
            "start_basis",
            "basis_note",
            "evidence",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "agreements.csv",
        kind: Kind::Agreement,
        columns: &[
            "id",
            "task",
            "kind",
            "title_zh",
            "title_en",
            "parties",
            "signing_level",
            "status",
            "part_of",
            "outcome_of",
            "date",
            "period_start",
            "period_end",
            "date_basis",
            "note",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "events.csv",
        kind: Kind::Event,
        columns: &[
            "id",
            "task",
            "kind",
            "title_zh",
            "title_en",
            "status",
            "held_in",
            "counterparts",
            "participants",
            "organisers",
            "documents",
            "roles_zh",
            "fields_zh",
            "counted_list",
            "reported_count",
            "count_unit",
            "partial_lists",
            "ordinal",
            "anniversary",
            "celebrates",
            "implements",
            "part_of",
            "date",
            "period_start",
            "period_end",
            "date_basis",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "projects.csv",
        kind: Kind::Project,
        columns: &[
            "id",
            "task",
            "name_zh",
            "name_en",
            "part_of",
            "location",
            "status",
            "progress_pct",
            "progress_measure_zh",
            "progress_zh",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "documents.csv",
        kind: Kind::Document,
        columns: &[
            "id", "task", "kind", "title_zh", "title_en", "issuer", "note", "passage", "quote",
        ],
    },
];

/// The file whose rows are of `kind` (`?` for none), for error messages.
pub(super) fn file_of(kind: Kind) -> &'static str {
    FILES
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| f.name)
        .unwrap_or("?")
}
