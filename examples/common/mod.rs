//! Helpers the benchmark examples share.

/// CPU seconds of this process (all threads), from /proc (Linux; clock ticks of 10 ms).
pub fn cpu_now() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The command line `[PATH] [--repeat N]`: the path given (if any) and N (else `repeat`).
pub fn path_and_repeat(repeat: usize) -> (Option<String>, usize) {
    let mut args = std::env::args().skip(1);
    let (mut path, mut repeat) = (None, repeat);
    while let Some(a) = args.next() {
        if a == "--repeat" {
            repeat = args
                .next()
                .and_then(|v| v.parse().ok())
                .expect("--repeat N");
        } else {
            path = Some(a);
        }
    }
    (path, repeat)
}
