//! `amity summary`: the network summary, one place, or the path between two.

use amity::network::summary;
use amity::Result;

use super::{open, to_json, with_output, MetricsScope, Source, View};

/// Flags of `amity summary`.
#[derive(clap::Args)]
pub struct Args {
    /// How many entries per ranking.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print JSON (the same as the HTTP API) instead of text.
    #[arg(long)]
    json: bool,
    /// Which network [default: report]. Not with --place: a place summary covers both.
    #[arg(long, value_enum, conflicts_with = "place")]
    view: Option<View>,
    /// Summarise one place instead: an id (beijing), an IRI or a Wikidata QID (Q956).
    #[arg(long, conflicts_with = "path")]
    place: Option<String>,
    /// The shortest path between two places, every hop explained.
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
    path: Option<Vec<String>>,
    #[command(flatten)]
    source: Source,
}

pub fn run(args: Args) -> Result<()> {
    let view = View::or_default(args.view);
    let (store, _) = open(&args.source, false, MetricsScope::OneShot)?;
    let store = store.store();
    let json = args.json;
    let text = match (args.place, args.path) {
        (Some(p), _) => {
            let s = summary::place_summary(&store, &p)?;
            if json {
                to_json(&s)
            } else {
                s.to_text()
            }
        }
        (None, Some(p)) => {
            let s = summary::path(&store, view, &p[0], &p[1])?;
            if json {
                to_json(&s)
            } else if s.hops.is_empty() {
                format!("no path between {} and {}", s.from.label, s.to.label)
            } else {
                s.hops
                    .iter()
                    .map(|h| h.sentence.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        (None, None) => {
            let s = summary::network_summary(&store, view, args.top)?;
            if json {
                to_json(&s)
            } else {
                s.to_text()
            }
        }
    };
    with_output(None, |w| {
        writeln!(w, "{}", text.trim_end())?;
        Ok(())
    })
}
