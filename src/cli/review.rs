//! `amity review`: a local page to accept, reject or correct the candidate facts of an
//! `amity extract` folder, then write the accepted ones into data/.

use std::path::PathBuf;

use amity::extract::review::Review;
use amity::{Error, Result};

/// Flags of `amity review`.
#[derive(clap::Args)]
pub struct Args {
    /// The folder `amity extract` wrote.
    dir: PathBuf,
    /// The data folder the accepted rows are written into. Default: ./data, else the one
    /// amity was built from.
    #[arg(long)]
    data: Option<PathBuf>,
    /// The port on 127.0.0.1 (loopback only: the page writes into data/); 0 picks a free one.
    #[arg(long, default_value_t = 7880)]
    port: u16,
}

pub fn run(a: Args) -> Result<()> {
    let data = a.data.clone().unwrap_or_else(amity::default_data_dir);
    let review = Review::open(&a.dir, &data)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", a.port))
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on 127.0.0.1:{}: {e}", a.port)))?;
        let addr = listener.local_addr()?;
        // A new secret each run: any page the analyst has open can reach 127.0.0.1, so the
        // page's requests must prove they come from the URL printed here.
        let access = amity::server::review::Access::new(addr.port())?;
        eprintln!(
            "reviewing {} ({} candidate facts) into {}: open {} ; Ctrl-C stops",
            a.dir.display(),
            review.extraction.facts.len(),
            data.display(),
            access.url()
        );
        amity::server::review::serve(listener, review, access, amity::server::shutdown_signal())
            .await?;
        Ok(())
    })
}
