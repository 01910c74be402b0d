//! `amity push`: every graph of the store written to an existing triple store (any SPARQL 1.1
//! Graph Store Protocol endpoint, or SPARQL Update where there is none), graph by graph, each
//! counted on the remote side afterwards.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use amity::remote::{self, Client, Counter, GspTarget, Via};
use amity::Result;

use super::{open, MetricsScope, RemoteAuth, Source};

/// Flags of `amity push`.
#[derive(clap::Args)]
pub struct Args {
    /// The remote store: its Graph Store Protocol endpoint (Virtuoso:
    /// http://HOST:8890/sparql-graph-crud-auth; oxigraph: http://HOST:7878/store), or with
    /// `--via update` its SPARQL Update endpoint (Virtuoso: …/sparql-auth; oxigraph: …/update).
    #[arg(long, value_name = "URL")]
    to: String,
    /// How graphs are written.
    #[arg(long, value_enum, default_value_t = Protocol::Gsp)]
    via: Protocol,
    /// The remote SPARQL query endpoint, for the count check after each graph. Default: with
    /// `--via update`, the --to URL; with the Graph Store Protocol, each graph is read back.
    #[arg(long, value_name = "URL")]
    sparql: Option<String>,
    /// The name of the graph parameter of the Graph Store Protocol endpoint.
    #[arg(long, default_value = "graph", value_name = "NAME")]
    graph_param: String,
    /// Largest request body, in MiB of N-Triples; a larger graph goes in several requests.
    #[arg(long, default_value_t = 8, value_name = "MIB",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=4096))]
    chunk_mib: usize,
    /// Most triples in one request [default: 500 with `--via update` (Virtuoso refuses an
    /// INSERT DATA much larger), no limit with the Graph Store Protocol].
    #[arg(long, value_name = "N")]
    chunk_triples: Option<u64>,
    /// How long one request may take, in seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    timeout: u64,
    #[command(flatten)]
    auth: RemoteAuth,
    #[command(flatten)]
    source: Source,
}

/// `--via`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// SPARQL 1.1 Graph Store Protocol: PUT a graph, POST the rest of a large one.
    Gsp,
    /// SPARQL 1.1 Update: DROP and INSERT DATA (a large graph built aside, then MOVEd).
    Update,
}

pub fn run(args: Args) -> Result<()> {
    let to = remote::parse_url("--to", &args.to)?;
    let sparql = args
        .sparql
        .as_deref()
        .map(|s| remote::parse_url("--sparql", s))
        .transpose()?;
    let (via, counter) = match args.via {
        Protocol::Gsp => {
            let target = GspTarget {
                url: to,
                param: args.graph_param.clone(),
            };
            let counter = match sparql {
                Some(url) => Counter::Query(url),
                None => Counter::Gsp(target.clone()),
            };
            (Via::Gsp(target), counter)
        }
        Protocol::Update => {
            let counter = Counter::Query(sparql.unwrap_or_else(|| to.clone()));
            (Via::Update(to), counter)
        }
    };
    let client = Client::new(args.auth.auth(), Duration::from_secs(args.timeout.max(1)))?;
    let started = Instant::now();
    let (store, _) = open(&args.source, false, MetricsScope::Kept)?;
    let store = store.store();
    let total = amity::store::count_quads(&store, None)? as u64;
    eprintln!(
        "pushing {total} quads ({:.1} s to load them) to {}",
        started.elapsed().as_secs_f64(),
        args.to
    );
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{msg:>40} [{bar:40}] {pos}/{len} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let mut before = 0u64;
    let mut last = (String::new(), 0u64);
    let pushed = remote::push(
        &client,
        &store,
        &via,
        &counter,
        remote::Chunk {
            bytes: args.chunk_mib << 20,
            triples: args.chunk_triples.unwrap_or(match args.via {
                Protocol::Gsp => u64::MAX,
                Protocol::Update => 500,
            }),
        },
        &mut |graph, done, _| {
            let name = graph.to_string();
            if name != last.0 {
                before += last.1;
                last = (name.clone(), 0);
            }
            last.1 = done;
            if let Some(bar) = &bar {
                bar.set_message(short(&name));
                bar.set_position(before + done);
            }
        },
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let pushed = pushed?;
    for p in &pushed {
        eprintln!(
            "  {}: {} triples in {} request{}, {} counted on the remote store",
            p.graph,
            p.triples,
            p.requests,
            if p.requests == 1 { "" } else { "s" },
            p.remote_count
        );
    }
    println!(
        "pushed {} graphs, {} triples, in {:.1} s; every graph's count agrees with the remote store",
        pushed.len(),
        pushed.iter().map(|p| p.triples).sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The tail of a graph name, to fit the progress line.
fn short(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 40 {
        name.to_string()
    } else {
        format!("…{}", chars[chars.len() - 39..].iter().collect::<String>())
    }
}
