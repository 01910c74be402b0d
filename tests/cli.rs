//! The `amity` binary's command line: `--help` and the README's command table list the same
//! flags, closed sets and conflicting flags are refused by clap, and `query` keeps its limits.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn amity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(args)
        .output()
        .expect("amity runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The long flags named in `text` (`--[a-z-]+`), without `--help` and `--version`.
fn long_flags(text: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("--") {
        let after = &rest[i + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after.len());
        let name = after[..len].trim_end_matches('-');
        if !name.is_empty() && !name.starts_with('-') && name != "help" && name != "version" {
            flags.insert(format!("--{name}"));
        }
        rest = &after[len..];
    }
    flags
}

/// The subcommands `amity --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let out = amity(&["--help"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let help = String::from_utf8(out.stdout).unwrap();
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap();
    let names: Vec<String> = list
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 6, "{help}");
    names
}

/// The flags the README's command table gives `command`: the first two cells (command and
/// flags) of every row whose command is `amity COMMAND`.
fn readme_flags(readme: &str, command: &str) -> Option<BTreeSet<String>> {
    let section = readme
        .split("\n## Commands\n")
        .nth(1)
        .expect("README has a Commands section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut found = None;
    for row in section.lines().filter(|l| l.starts_with("| `amity ")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let name = cells[0]["| `amity ".len()..]
            .split([' ', '`'])
            .next()
            .unwrap();
        if name == command {
            found
                .get_or_insert_with(BTreeSet::new)
                .extend(long_flags(&cells[..2.min(cells.len())].join(" ")));
        }
    }
    found
}

#[test]
fn the_readme_lists_exactly_the_flags_of_each_commands_help() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut problems = Vec::new();
    for command in subcommands() {
        let out = amity(&[&command, "--help"]);
        assert!(out.status.success(), "{command} --help: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let mut help = long_flags(&text);
        // A command with subcommands (`import ties`): the flags of each subcommand's --help.
        if let Some(list) = text.split("Commands:\n").nth(1) {
            for sub in list
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .filter(|s| *s != "help")
            {
                let out = amity(&[&command, sub, "--help"]);
                assert!(
                    out.status.success(),
                    "{command} {sub} --help: {}",
                    stderr(&out)
                );
                help.extend(long_flags(&String::from_utf8(out.stdout).unwrap()));
            }
        }
        let Some(documented) = readme_flags(&readme, &command) else {
            problems.push(format!(
                "README's command table has no row for `amity {command}`"
            ));
            continue;
        };
        let missing: Vec<_> = help.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&help).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "README's row for `amity {command}` misses {missing:?} (in --help)"
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "README's row for `amity {command}` lists {extra:?}, which --help does not show"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Exit code 2 and clap's message naming the offence.
fn refused_by_clap(args: &[&str], message: &str) {
    let out = amity(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(message), "{args:?}: {err}");
}

#[test]
fn unknown_values_of_closed_sets_are_refused_with_the_choices() {
    refused_by_clap(
        &["query", "--format", "yaml", "ASK {}"],
        "invalid value 'yaml' for '--format <FORMAT>'",
    );
    refused_by_clap(
        &["query", "--format", "yaml", "ASK {}"],
        "[possible values: json, xml, csv, tsv, turtle, ntriples, nquads, trig, rdfxml, jsonld]",
    );
    refused_by_clap(
        &["export", "--format", "ntriples"],
        "[possible values: nquads, trig, turtle]",
    );
    refused_by_clap(
        &["export", "--network", "svg"],
        "[possible values: gexf, graphml, geojson, dot]",
    );
    refused_by_clap(
        &["summary", "--view", "osm"],
        "[possible values: report, wikidata]",
    );
    refused_by_clap(
        &["query", "--timeout", "0", "ASK {}"],
        "expected a positive number of seconds",
    );
    refused_by_clap(&["query", "--max-nesting", "0", "ASK {}"], "--max-nesting");
}

#[test]
fn the_aliases_of_query_formats_are_accepted() {
    // A query past the nesting limit fails (exit 1) after clap accepted the format, before
    // any data is loaded.
    for alias in [
        "JSON",
        "srj",
        "srx",
        "ttl",
        "nt",
        "n-triples",
        "nq",
        "n-quads",
        "rdf",
        "rdf-xml",
        "json-ld",
    ] {
        let out = amity(&[
            "query",
            "--format",
            alias,
            "--max-nesting",
            "1",
            "SELECT * WHERE { { ?s ?p ?o } }",
        ]);
        assert_eq!(out.status.code(), Some(1), "{alias}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--max-nesting"),
            "{alias}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn flags_that_mean_nothing_together_are_refused() {
    refused_by_clap(
        &["summary", "--view", "wikidata", "--place", "beijing"],
        "the argument '--view <VIEW>' cannot be used with '--place <PLACE>'",
    );
    refused_by_clap(
        &[
            "summary", "--place", "beijing", "--path", "beijing", "hanoi",
        ],
        "cannot be used with",
    );
    refused_by_clap(
        &["export", "--format", "trig", "--network", "gexf"],
        "the argument '--format <FORMAT>' cannot be used with '--network <FORMAT>'",
    );
    refused_by_clap(
        &["export", "--view", "wikidata"],
        "the following required arguments were not provided:\n  --network <FORMAT>",
    );
}

#[test]
fn query_refuses_nesting_past_its_max_nesting() {
    let out = amity(&[
        "query",
        "--max-nesting",
        "3",
        "SELECT * WHERE { { { { ?s ?p ?o } } } }",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("nests brackets more than 3 deep")
            && err.contains("the limit is 3 (--max-nesting)"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn query_max_rows_cuts_the_result_with_a_warning() {
    // The report's data without the Wikidata network: a small, quick load.
    let data = common::data_copy();
    std::fs::remove_dir_all(data.path().join("wikidata")).unwrap();
    let data = data.path().to_str().unwrap();
    let q = "SELECT * WHERE { ?s ?p ?o }";
    let out = amity(&[
        "query",
        "--max-rows",
        "1",
        "--format",
        "csv",
        "--data",
        data,
        q,
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one row: {text}");
    // SELECT * keeps the order the variables appear in the query.
    assert_eq!(lines[0], "s,p,o");
    assert!(
        err.contains("warning: result cut at 1 rows (--max-rows)"),
        "{err}"
    );
    // Under the cap: every row, no warning.
    let out = amity(&[
        "query",
        "--max-rows",
        "1",
        "--format",
        "csv",
        "--data",
        data,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

// Proves `amity query` runs through the engine's guard: a cross product whose rows come from
// only four store reads (which oxigraph's own token check never sees again) is stopped at the
// deadline, with the engine's message, instead of running for hours.
#[test]
fn query_stops_a_cross_product_at_its_deadline() {
    let data = common::data_copy();
    std::fs::remove_dir_all(data.path().join("wikidata")).unwrap();
    let started = std::time::Instant::now();
    let out = amity(&[
        "query",
        "--timeout",
        "1",
        "--data",
        data.path().to_str().unwrap(),
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    ]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("deadline"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}
