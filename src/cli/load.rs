//! `amity load`: validates data/ and loads it, in memory or into an on-disk store.

use amity::Result;

use super::{open, MetricsScope, Source};

/// Flags of `amity load`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    source: Source,
}

pub fn run(Args { source }: Args) -> Result<()> {
    let summary = if source.store.is_some() {
        open(&source, true, MetricsScope::Kept)?.1
    } else {
        let (store, summary) = open(&source, false, MetricsScope::OneShot)?;
        // The process ends next and the OS takes the memory back at once; dropping a
        // store of 10 M quads piece by piece would add a second or two to every run.
        std::mem::forget(store);
        summary
    };
    if let Some(s) = summary {
        eprintln!(
            "loaded {} rows as {} quads in {:.2?}{}",
            s.rows,
            s.quads,
            s.duration,
            source
                .store
                .map(|p| format!(" into {}", p.display()))
                .unwrap_or_else(|| " (in memory; use --store DIR to keep it)".into())
        );
    }
    Ok(())
}
