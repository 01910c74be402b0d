//! `amity import ties`: an official friendship-city table into `ties.csv` / `places.csv` rows.

use std::path::PathBuf;

use amity::extract::{gazetteer::Gazetteer, import, write};
use amity::{Error, Result};

/// Flags of `amity import`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// A city's friendship-city table (CSV: partner in Chinese, often English, country,
    /// continent, signing date such as 1974年2月1日, 1979.03.14 or 1999).
    Ties(TiesArgs),
}

#[derive(clap::Args)]
struct TiesArgs {
    /// The table, as UTF-8 CSV with a header line.
    table: PathBuf,
    /// The city whose table it is: a place id (qingdao) or its Chinese name (青岛).
    #[arg(long, value_name = "PLACE")]
    home: String,
    /// What the rows' `source` names (the table's URL and date, say); default: the file name.
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// The kind of tie the table lists.
    #[arg(long, value_enum, default_value_t = TieKind::Twinning)]
    kind: TieKind,
    /// The data folder the rows join. Default: ./data, else the one amity was built from.
    #[arg(long)]
    data: Option<PathBuf>,
    /// The folder to write `ties.csv` and `places.csv` into (created if missing).
    #[arg(long, default_value = "imported", value_name = "DIR")]
    out: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum TieKind {
    Twinning,
    FriendlyExchange,
}

pub fn run(a: Args) -> Result<()> {
    let What::Ties(a) = a.what;
    let bytes = std::fs::read(&a.table).map_err(|source| Error::Io {
        path: a.table.clone(),
        source,
    })?;
    let data = a.data.clone().unwrap_or_else(amity::default_data_dir);
    let ds = amity::ingest::load_dir(&data)?;
    let gaz = Gazetteer::new(&ds);
    let label = a.source.clone().unwrap_or_else(|| {
        a.table
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let kind = match a.kind {
        TieKind::Twinning => "twinning",
        TieKind::FriendlyExchange => "friendly_exchange",
    };
    let rows = import::import_ties(&bytes, &label, &a.home, kind, &ds, &gaz).map_err(|errs| {
        Error::Usage(format!(
            "{}: {} row(s) cannot be read; nothing was written:\n  {}",
            a.table.display(),
            errs.len(),
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n  ")
        ))
    })?;
    std::fs::create_dir_all(&a.out).map_err(|source| Error::Io {
        path: a.out.clone(),
        source,
    })?;
    for (file, rs) in &rows.files {
        write::write_csv(&a.out.join(file), file, rs).map_err(|source| Error::Io {
            path: a.out.join(file),
            source,
        })?;
    }
    eprintln!(
        "{}: {} ties and {} places written into {} (load them with --with {})",
        a.table.display(),
        rows.get("ties.csv").len(),
        rows.get("places.csv").len(),
        a.out.display(),
        a.out.display()
    );
    Ok(())
}
