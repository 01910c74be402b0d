//! `amity extract`: a report's text → candidate facts in a folder, for `amity review`.

use std::path::PathBuf;
use std::time::Instant;

use amity::extract::{self, gazetteer::Gazetteer, Options};
use amity::{Error, Result};

/// Flags of `amity extract`.
#[derive(clap::Args)]
pub struct Args {
    /// The report: a text file (UTF-8 or GB18030, pasted from a web page, a PDF or a
    /// flip-book), a saved web page (.html: its article is read) or a text PDF; told apart by
    /// content.
    report: PathBuf,
    /// The report's id, prefix of its passage ids (default: the home city and the date).
    #[arg(long, value_name = "ID")]
    report_id: Option<String>,
    /// The reporting city: a place id (beijing) or its Chinese name (青岛). Default: the city
    /// the report's header names.
    #[arg(long, value_name = "PLACE")]
    home: Option<String>,
    /// The report's date, when its text does not state it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Where the report was published (URL), when the text does not say.
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
    /// The data folder the facts join (its places, organisations and ids). Default: ./data,
    /// else the one amity was built from.
    #[arg(long)]
    data: Option<PathBuf>,
    /// More rules to try: rows in the formats of rules/acts.tsv (rules), rules/words.tsv and
    /// rules/text.tsv (words of a group) and rules/abbreviations.tsv (short names), added to the
    /// built-in ones. Kept as rules.tsv in the output folder.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The folder to write into (created if missing).
    #[arg(long, default_value = "candidates", value_name = "DIR")]
    out: PathBuf,
}

pub fn run(a: Args) -> Result<()> {
    let bytes = std::fs::read(&a.report).map_err(|source| Error::Io {
        path: a.report.clone(),
        source,
    })?;
    // A text file, a saved web page or a text PDF, told apart by content.
    let input = extract::input::read(&bytes)
        .map_err(|e| Error::Usage(format!("{}: {e}", a.report.display())))?;
    let text = input.text.clone();
    let data = a.data.clone().unwrap_or_else(amity::default_data_dir);
    let ds = amity::ingest::load_dir(&data)?;
    let t0 = Instant::now();
    let gaz = Gazetteer::new(&ds);
    let t_gaz = t0.elapsed();
    let rules = match &a.rules {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|source| Error::Io {
            path: p.clone(),
            source,
        })?),
        None => None,
    };
    let opts = Options {
        report_id: a.report_id,
        home: a.home,
        date: a.date,
        source_url: a.source_url,
        rules,
        rules_file: a.rules.as_ref().map(|p| p.display().to_string()),
    };
    let t1 = Instant::now();
    let mut x = extract::extract(&text, &opts, &ds, &gaz)
        .map_err(|e| Error::Usage(format!("{}: {e}", a.report.display())))?;
    x.input_format = input.format;
    x.input_how = input.how;
    let t_x = t1.elapsed();
    let mut written = extract::write::write_all(&x, &ds, &a.out).map_err(|source| Error::Io {
        path: a.out.clone(),
        source,
    })?;
    // Review re-reads the report with the same rules.
    let kept = a.out.join("rules.tsv");
    match &opts.rules {
        Some(r) => {
            std::fs::write(&kept, r).map_err(|source| Error::Io {
                path: kept.clone(),
                source,
            })?;
            written.push("rules.tsv".into());
        }
        None => {
            let _ = std::fs::remove_file(&kept);
        }
    }
    let mut by_kind: Vec<(&str, usize)> = Vec::new();
    for f in &x.facts {
        match by_kind.iter_mut().find(|(k, _)| *k == f.kind) {
            Some((_, n)) => *n += 1,
            None => by_kind.push((f.kind, 1)),
        }
    }
    eprintln!(
        "{}: report {} (home {}), {} sentences{}, {} mentions, {} candidate facts{}, {} new places; gazetteer {:.0?}, extraction {:.0?}",
        a.report.display(),
        x.header.id,
        x.header.home,
        x.passages.len(),
        if x.split.reflowed { " (broken lines joined)" } else { "" },
        x.mentions.len(),
        x.facts.len(),
        if by_kind.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
            )
        },
        x.places.iter().filter(|p| p.unknown).count(),
        t_gaz,
        t_x
    );
    if let Some(basis) = &x.header.home_basis {
        eprintln!("home: {} ({basis})", x.header.home);
    }
    if x.header.date.is_none() {
        eprintln!(
            "note: the report's date is not stated; reports.csv needs one: pass --date YYYY-MM-DD"
        );
    }
    eprintln!("wrote {} into {}", written.join(", "), a.out.display());
    Ok(())
}
