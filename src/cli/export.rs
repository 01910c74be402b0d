//! `amity export`: the whole store as RDF, or the network view as a graph file.

use std::path::PathBuf;

use clap::ValueEnum;
use oxigraph::io::RdfFormat;

use amity::network::export::NetworkFormat;
use amity::Result;

use super::{open, with_output, MetricsScope, Source, View};

/// Flags of `amity export`.
#[derive(clap::Args)]
pub struct Args {
    /// The RDF format of the dump (turtle merges all graphs into one). Not with --network.
    #[arg(long, value_enum, default_value_t = DumpFormat::Nquads, conflicts_with = "network")]
    format: DumpFormat,
    /// Export the network view instead, in this format.
    #[arg(long, value_enum, ignore_case = true, value_name = "FORMAT")]
    network: Option<Network>,
    /// Which network to export with --network [default: report].
    #[arg(long, value_enum, requires = "network")]
    view: Option<View>,
    #[command(flatten)]
    source: Source,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// `--format`: the RDF formats of the dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    /// N-Quads, every named graph.
    #[value(alias = "nq")]
    Nquads,
    /// TriG, every named graph.
    Trig,
    /// Turtle, all graphs merged into one.
    #[value(alias = "ttl")]
    Turtle,
}

impl From<DumpFormat> for RdfFormat {
    fn from(f: DumpFormat) -> Self {
        match f {
            DumpFormat::Nquads => RdfFormat::NQuads,
            DumpFormat::Trig => RdfFormat::TriG,
            DumpFormat::Turtle => RdfFormat::Turtle,
        }
    }
}

/// `--network`: the graph file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Network {
    /// GEXF, for Gephi.
    Gexf,
    /// GraphML, for networkx, yEd, igraph.
    Graphml,
    /// GeoJSON, for maps.
    #[value(alias = "json")]
    Geojson,
    /// DOT, for Graphviz.
    #[value(alias = "gv")]
    Dot,
}

impl From<Network> for NetworkFormat {
    fn from(f: Network) -> Self {
        match f {
            Network::Gexf => NetworkFormat::Gexf,
            Network::Graphml => NetworkFormat::GraphMl,
            Network::Geojson => NetworkFormat::GeoJson,
            Network::Dot => NetworkFormat::Dot,
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    let (store, _) = open(&args.source, false, MetricsScope::OneShot)?;
    let store = store.store();
    match args.network {
        Some(network) => {
            let view = View::or_default(args.view);
            let text = amity::network::export::export(&store, view, network.into())?;
            with_output(args.out.as_deref(), |w| {
                w.write_all(text.as_bytes())?;
                Ok(())
            })
        }
        None => with_output(args.out.as_deref(), |w| {
            amity::store::dump(&store, args.format.into(), w)?;
            Ok(())
        }),
    }
}
