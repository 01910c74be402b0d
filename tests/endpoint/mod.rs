//! A real `amity serve` on `127.0.0.1:0` for the HTTP tests, stopped when dropped.
#![allow(dead_code)]

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use amity::server::{AppState, Config};
use amity::store::AmityStore;
use oxigraph::store::Store;

pub struct Server {
    pub base: String,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The default configuration on the project's real `data/` and `queries/`.
pub fn config() -> Config {
    Config::new(amity::default_data_dir(), amity::default_queries_dir())
}

/// Loads the real data in memory.
pub fn load() -> AmityStore {
    AmityStore::in_memory(&amity::default_data_dir(), &mut |_, _, _| {})
        .expect("data/ loads")
        .0
}

/// Starts a server on the real data.
pub fn start(config: Config) -> Server {
    start_with(load(), config, |_| {})
}

/// Starts a server on `store` after `setup` has written to it.
pub fn start_with(store: AmityStore, config: Config, setup: impl FnOnce(&Store)) -> Server {
    setup(&store.store());
    let state = AppState::new(Arc::new(store), config).expect("state");
    assert!(
        state.wait_for_stats(Duration::from_secs(120)),
        "the background count of the store never finished"
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = state.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            amity::server::run(listener, served, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    Server {
        base,
        state,
        stop: Some(stop),
        thread: Some(thread),
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Sends raw bytes and returns the status line's code and the whole response text.
pub fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}
