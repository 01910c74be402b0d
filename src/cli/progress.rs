//! The load progress bar.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar that appears only once a load has taken more than a second, on a terminal.
pub struct LazyBar {
    start: Instant,
    bar: Option<ProgressBar>,
    stage: String,
}

impl LazyBar {
    pub fn new() -> Self {
        LazyBar {
            start: Instant::now(),
            bar: None,
            stage: String::new(),
        }
    }

    pub fn tick(&mut self, stage: &str, done: usize, total: usize) {
        if self.bar.is_none() {
            if self.start.elapsed() < Duration::from_secs(1) || !std::io::stderr().is_terminal() {
                return;
            }
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} ({eta})")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            self.bar = Some(bar);
        }
        let bar = self.bar.as_ref().expect("just set");
        if self.stage != stage {
            self.stage = stage.to_string();
            bar.set_message(stage.to_string());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    }

    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
