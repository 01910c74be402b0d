//! `amity generate`: deterministic synthetic data for scale tests.

use std::path::PathBuf;

use amity::Result;

/// Flags of `amity generate`.
#[derive(clap::Args)]
pub struct Args {
    /// Size: 1 is about one million triples; grows linearly.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Random seed; the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write (created if missing).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let config = amity::generate::GenerateConfig {
        scale: args.scale,
        seed: args.seed,
    };
    let s = amity::generate::generate(&config, &args.out)?;
    eprintln!(
        "wrote {} places, {} ties (max degree {}), {} agreements, {} events, {} reports with {} passages to {}",
        s.places, s.ties, s.max_degree, s.agreements, s.events, s.reports, s.passages, args.out.display()
    );
    Ok(())
}
