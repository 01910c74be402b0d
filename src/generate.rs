//! Deterministic synthetic data in the format of `data/`, for scale tests and benchmarks.
//!
//! `generate(&GenerateConfig { scale, seed }, out)` writes every CSV file plus the report texts.
//! The shape follows the real thing: ~200 countries with regions, cities and districts; a
//! friendship network grown by capped preferential attachment (heavy-tailed degrees, maximum
//! about 100, mean degree about 3.4 as in the Wikidata twin network); reports whose passages
//! state every tie, agreement and event, with verbatim quotes. Scale 1 is about one million
//! triples; the output passes the same validation as `data/`.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ingest;
use crate::rng::SplitMix64 as Rng;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenerateConfig {
    /// 1 ≈ 1 M triples; grows linearly (fractions make small sets for tests).
    pub scale: f64,
    /// Same seed, same bytes.
    pub seed: u64,
}

/// Counts of what was written.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct GenerateSummary {
    pub places: usize,
    pub ties: usize,
    pub agreements: usize,
    pub events: usize,
    pub reports: usize,
    pub passages: usize,
    pub max_degree: usize,
}

const SYLLABLES: &[char] = &[
    '安', '宁', '江', '山', '海', '平', '阳', '明', '华', '兴', '德', '林', '泉', '云', '河', '新',
    '东', '西', '南', '北', '金', '玉', '长', '乐', '丰', '和', '青', '白', '清', '峰', '湖', '桥',
    '川', '岭', '松', '梅', '星', '光', '瑞', '康',
];
const LATIN: &[&str] = &[
    "an", "ning", "jiang", "shan", "hai", "ping", "yang", "ming", "hua", "xing", "de", "lin",
    "quan", "yun", "he", "xin", "dong", "xi", "nan", "bei", "jin", "yu", "chang", "le", "feng",
    "he", "qing", "bai", "qing", "feng", "hu", "qiao", "chuan", "ling", "song", "mei", "xing",
    "guang", "rui", "kang",
];

/// A unique name for index `i`: base-40 syllables, at least two.
fn name(i: usize, suffix_zh: &str) -> (String, String) {
    let mut zh = String::new();
    let mut en = String::new();
    let mut n = i;
    let mut k = 0;
    while k < 2 || n > 0 {
        let d = n % SYLLABLES.len();
        zh.push(SYLLABLES[d]);
        en.push_str(LATIN[d]);
        n /= SYLLABLES.len();
        k += 1;
    }
    let mut en_cap = en[..1].to_uppercase();
    en_cap.push_str(&en[1..]);
    zh.push_str(suffix_zh);
    (zh, format!("{en_cap} {i}"))
}

struct Place {
    id: String,
    name_zh: String,
    name_en: String,
    level: &'static str,
    admin: &'static str,
    part_of: Option<usize>,
    lat: f64,
    lon: f64,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

/// A CSV file being written with amity's header for it.
struct Out {
    path: std::path::PathBuf,
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    width: usize,
}

impl Out {
    fn create(dir: &Path, file: &str) -> Result<Out> {
        let path = dir.join(file);
        let f = std::fs::File::create(&path).map_err(io_err(&path))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
        let cols = ingest::columns_of(file).expect("known file");
        w.write_record(cols).map_err(csv_err(&path))?;
        Ok(Out {
            path,
            w,
            width: cols.len(),
        })
    }

    /// Writes a row given as `(column index, value)` pairs; other cells stay empty.
    fn row(&mut self, cells: &[(usize, &str)]) -> Result<()> {
        let mut rec = vec![""; self.width];
        for (i, v) in cells {
            rec[*i] = v;
        }
        self.w.write_record(&rec).map_err(csv_err(&self.path))
    }

    fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(io_err(&self.path))
    }
}

/// Column index by name, for readable row building.
fn col(file: &str, name: &str) -> usize {
    ingest::columns_of(file)
        .and_then(|c| c.iter().position(|n| *n == name))
        .unwrap_or_else(|| panic!("{file} has no column {name}"))
}

/// One fact waiting for its sentence in a report.
enum Fact {
    Tie(usize),
    Agreement(usize),
    Event(usize),
}

/// Writes a synthetic `data/` folder to `out`.
pub fn generate(cfg: &GenerateConfig, out: &Path) -> Result<GenerateSummary> {
    if !(cfg.scale.is_finite() && cfg.scale > 0.0) {
        return Err(Error::Usage(format!(
            "--scale must be a positive number, not {}",
            cfg.scale
        )));
    }
    let n = |base: f64| ((base * cfg.scale).round() as usize).max(1);
    let mut rng = Rng(cfg.seed ^ 0xA5A5_5A5A_1234_5678);
    std::fs::create_dir_all(out.join("reports")).map_err(io_err(out))?;

    // Places: countries, regions, cities, districts.
    let n_countries = 200;
    let n_regions = n(1000.0);
    let n_cities = n(10_000.0).max(2);
    let n_districts = n(2_000.0);
    let mut places: Vec<Place> = Vec::new();
    for i in 0..n_countries {
        let (zh, en) = name(i, "国");
        places.push(Place {
            id: format!("c{i}"),
            name_zh: zh,
            name_en: en,
            level: "country",
            admin: "sovereign_state",
            part_of: None,
            lat: rng.unit() * 120.0 - 55.0,
            lon: rng.unit() * 340.0 - 170.0,
        });
    }
    for i in 0..n_regions {
        let country = rng.below(n_countries);
        let (zh, en) = name(i, "州");
        let (lat, lon) = (places[country].lat, places[country].lon);
        places.push(Place {
            id: format!("r{i}"),
            name_zh: zh,
            name_en: en,
            level: "region",
            admin: "province",
            part_of: Some(country),
            lat: (lat + rng.unit() * 8.0 - 4.0).clamp(-89.0, 89.0),
            lon: (lon + rng.unit() * 8.0 - 4.0).clamp(-179.0, 179.0),
        });
    }
    let first_city = places.len();
    for i in 0..n_cities {
        let region = n_countries + rng.below(n_regions);
        let (zh, en) = name(i, "市");
        let (lat, lon) = (places[region].lat, places[region].lon);
        places.push(Place {
            id: format!("m{i}"),
            name_zh: zh,
            name_en: en,
            level: "city",
            admin: "city",
            part_of: Some(region),
            lat: (lat + rng.unit() * 2.0 - 1.0).clamp(-89.0, 89.0),
            lon: (lon + rng.unit() * 2.0 - 1.0).clamp(-179.0, 179.0),
        });
    }
    for i in 0..n_districts {
        let city = first_city + rng.below(n_cities);
        let (zh, en) = name(i, "区");
        let (lat, lon) = (places[city].lat, places[city].lon);
        places.push(Place {
            id: format!("d{i}"),
            name_zh: zh,
            name_en: en,
            level: "district",
            admin: "urban_district",
            part_of: Some(city),
            lat: (lat + rng.unit() * 0.2 - 0.1).clamp(-89.0, 89.0),
            lon: (lon + rng.unit() * 0.2 - 0.1).clamp(-179.0, 179.0),
        });
    }
    let actors: Vec<usize> = (first_city..places.len()).collect();

    // Ties: capped preferential attachment over cities and districts (mean degree ≈ 3.4).
    const MAX_DEGREE: usize = 100;
    let n_ties = n(17_000.0);
    let mut degree = vec![0usize; places.len()];
    let mut endpoints: Vec<usize> = Vec::with_capacity(n_ties * 2);
    let mut ties: Vec<(usize, usize)> = Vec::with_capacity(n_ties);
    let mut seen = std::collections::HashSet::new();
    let mut attempts = 0;
    while ties.len() < n_ties && attempts < n_ties * 20 {
        attempts += 1;
        // Each end is proportional to degree most of the time (a heavy tail), else uniform
        // (so new places keep joining).
        let mut pick = |p_pref: f64| {
            if endpoints.is_empty() || rng.unit() >= p_pref {
                actors[rng.below(actors.len())]
            } else {
                endpoints[rng.below(endpoints.len())]
            }
        };
        let a = pick(0.2);
        let b = pick(0.7);
        if a == b || degree[a] >= MAX_DEGREE || degree[b] >= MAX_DEGREE {
            continue;
        }
        if !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        degree[a] += 1;
        degree[b] += 1;
        endpoints.push(a);
        endpoints.push(b);
        ties.push((a, b));
    }

    // Agreements and events between tied places.
    let n_agreements = n(3_000.0);
    let n_events = n(13_000.0);
    let agreements: Vec<usize> = (0..n_agreements).map(|_| rng.below(ties.len())).collect();
    let events: Vec<(usize, usize)> = (0..n_events)
        .map(|_| (rng.below(ties.len()), 2 + rng.below(30)))
        .collect();

    // Reports: each gathers facts into tasks; every fact gets one sentence.
    let n_reports = n(100.0);
    let mut facts: Vec<Vec<Fact>> = (0..n_reports).map(|_| Vec::new()).collect();
    for i in 0..ties.len() {
        facts[rng.below(n_reports)].push(Fact::Tie(i));
    }
    for i in 0..agreements.len() {
        facts[rng.below(n_reports)].push(Fact::Agreement(i));
    }
    for i in 0..events.len() {
        facts[rng.below(n_reports)].push(Fact::Event(i));
    }

    let pl = |i: usize| &places[i];
    let mut summary = GenerateSummary {
        places: places.len(),
        ties: ties.len(),
        agreements: agreements.len(),
        events: events.len(),
        reports: n_reports,
        max_degree: degree.iter().copied().max().unwrap_or(0),
        ..Default::default()
    };

    let mut reports = Out::create(out, "reports.csv")?;
    let mut passages = Out::create(out, "passages.csv")?;
    let mut tasks = Out::create(out, "tasks.csv")?;
    let mut depts = Out::create(out, "departments.csv")?;
    let mut orgs = Out::create(out, "organisations.csv")?;
    let mut ties_out = Out::create(out, "ties.csv")?;
    let mut ag_out = Out::create(out, "agreements.csv")?;
    let mut ev_out = Out::create(out, "events.csv")?;
    // Files the generator leaves empty but valid.
    for f in ["persons.csv", "projects.csv", "documents.csv"] {
        Out::create(out, f)?.finish()?;
    }

    const TASKS_PER_REPORT: usize = 8;
    for (r, report_facts) in facts.iter().enumerate() {
        let rid = format!("rep{r}");
        let home = actors[r % actors.len()];
        let org = format!("fao{r}");
        let org_name = format!("{}外事办公室", pl(home).name_zh);
        orgs.row(&[
            (0, &org),
            (1, &org_name),
            (
                2,
                &format!("Foreign Affairs Office of {}", pl(home).name_en),
            ),
            (4, "government_office"),
            (6, &pl(home).id),
            (10, "synthetic (amity generate)"),
        ])?;
        let title = format!("{org_name}{}年工作进展情况", 2000 + r % 25);
        let mut text = format!("{title}\n");
        let mut pass_rows: Vec<(String, usize, usize, String)> = Vec::new();
        pass_rows.push((format!("{rid}-p001s001"), 1, 1, title.clone()));
        let per_task = report_facts.len().div_ceil(TASKS_PER_REPORT).max(1);
        let mut para = 1;
        let mut lead_pids: Vec<String> = Vec::new();
        for (t, chunk) in report_facts.chunks(per_task).enumerate() {
            let dept = format!("{rid}-dept{}", t % 4);
            if t < 4 {
                let dname = format!("{}第{}处", org_name, t + 1);
                para += 1;
                let lead = format!("(牵头部门:{dname})");
                text.push_str(&lead);
                text.push('\n');
                let pid = format!("{rid}-p{para:03}s001");
                pass_rows.push((pid.clone(), para, 1, lead.clone()));
                lead_pids.push(pid.clone());
                depts.row(&[
                    (0, &dept),
                    (1, &dname),
                    (2, &format!("Division {} of {}", t + 1, pl(home).name_en)),
                    (3, &org),
                    (4, &pid),
                    (5, &dname),
                ])?;
            }
            let lead_pid = lead_pids[t % 4].clone();
            para += 1;
            let task_sentence = format!("第{}项:推进对外交往合作。", t + 1);
            text.push_str(&task_sentence);
            text.push('\n');
            let task_pid = format!("{rid}-p{para:03}s001");
            pass_rows.push((task_pid.clone(), para, 1, task_sentence));
            para += 1;
            let mut progress_ids = Vec::new();
            for (s, fact) in chunk.iter().enumerate() {
                let pid = format!("{rid}-p{para:03}s{:03}", s + 1);
                let task_id = format!("{rid}-t{t}");
                let sentence = match fact {
                    Fact::Tie(i) => {
                        let (a, b) = ties[*i];
                        let year = 1970 + (i * 7 + r) % 54;
                        let sentence =
                            format!("{}与{}于{year}年建立友好关系", pl(a).name_zh, pl(b).name_zh);
                        ties_out.row(&[
                            (0, &format!("t{i}")),
                            (1, &pl(a).id),
                            (2, &pl(b).id),
                            (3, "twinning"),
                            (4, &year.to_string()),
                            (6, "stated"),
                            (9, &pid),
                            (10, &sentence),
                        ])?;
                        sentence
                    }
                    Fact::Agreement(i) => {
                        let (a, b) = ties[agreements[*i]];
                        let sentence =
                            format!("{}与{}签署友好交流备忘录", pl(a).name_zh, pl(b).name_zh);
                        let c = |n| col("agreements.csv", n);
                        ag_out.row(&[
                            (c("id"), &format!("a{i}")),
                            (c("task"), &task_id),
                            (c("kind"), "memorandum"),
                            (c("title_zh"), "友好交流备忘录"),
                            (c("title_en"), "Memorandum on friendly exchanges"),
                            (c("parties"), &format!("{};{}", pl(a).id, pl(b).id)),
                            (c("signing_level"), "city"),
                            (c("status"), "signed"),
                            (
                                c("date"),
                                &format!("{}-05-{:02}", 2000 + r % 25, 1 + i % 28),
                            ),
                            (c("date_basis"), "stated"),
                            (c("passage"), &pid),
                            (c("quote"), &sentence),
                        ])?;
                        sentence
                    }
                    Fact::Event(i) => {
                        let (tie, count) = events[*i];
                        let (a, b) = ties[tie];
                        let sentence = format!(
                            "在{}举办与{}等{count}个城市的交流活动",
                            pl(b).name_zh,
                            pl(a).name_zh
                        );
                        let c = |n| col("events.csv", n);
                        ev_out.row(&[
                            (c("id"), &format!("e{i}")),
                            (c("task"), &task_id),
                            (c("kind"), "cultural_event"),
                            (c("title_zh"), "交流活动"),
                            (c("title_en"), "Exchange event"),
                            (c("status"), "completed"),
                            (c("held_in"), &pl(b).id),
                            (c("counterparts"), &pl(a).id),
                            (c("counted_list"), "counterparts"),
                            (c("reported_count"), &count.to_string()),
                            (c("count_unit"), "个城市"),
                            (c("partial_lists"), "counterparts"),
                            (c("period_start"), &format!("{}-01-01", 2000 + r % 25)),
                            (c("period_end"), &format!("{}-06-30", 2000 + r % 25)),
                            (c("date_basis"), "derived"),
                            (c("passage"), &pid),
                            (c("quote"), &sentence),
                        ])?;
                        sentence
                    }
                };
                let _ = write!(text, "{sentence}。");
                pass_rows.push((pid.clone(), para, s + 1, format!("{sentence}。")));
                progress_ids.push(pid);
            }
            text.push('\n');
            tasks.row(&[
                (0, &format!("{rid}-t{t}")),
                (1, &rid),
                (2, &(t + 1).to_string()),
                (3, "Promote external exchanges and cooperation"),
                (4, &format!("{rid}-dept{}", t % 4)),
                (5, &task_pid),
                (6, &lead_pid),
                (7, &progress_ids.join(";")),
            ])?;
        }
        let file = format!("reports/{rid}.txt");
        std::fs::write(out.join(&file), &text).map_err(io_err(&out.join(&file)))?;
        let year = 2000 + r % 25;
        reports.row(&[
            (0, &rid),
            (1, &title),
            (2, &format!("Synthetic progress report {r}")),
            (3, &org),
            (4, "amity generate"),
            (5, &format!("{year}-07-01")),
            (6, &format!("{year}-01-01")),
            (7, &format!("{year}-06-30")),
            (8, &file),
        ])?;
        for (id, p, s, t) in &pass_rows {
            passages.row(&[
                (0, id),
                (1, &rid),
                (2, &p.to_string()),
                (3, &s.to_string()),
                (4, t),
            ])?;
        }
        summary.passages += pass_rows.len();
    }

    let mut places_out = Out::create(out, "places.csv")?;
    let c = |n| col("places.csv", n);
    for p in &places {
        let part_of = p.part_of.map(|i| places[i].id.as_str()).unwrap_or("");
        places_out.row(&[
            (c("id"), &p.id),
            (c("name_zh"), &p.name_zh),
            (c("name_en"), &p.name_en),
            (c("level"), p.level),
            (c("admin_type"), p.admin),
            (c("part_of"), part_of),
            (c("lat"), &format!("{:.4}", p.lat)),
            (c("lon"), &format!("{:.4}", p.lon)),
            (c("coord_source"), "synthetic"),
            (c("source"), "synthetic gazetteer (amity generate)"),
        ])?;
    }
    for o in [
        reports, passages, tasks, depts, orgs, ties_out, ag_out, ev_out, places_out,
    ] {
        o.finish()?;
    }
    Ok(summary)
}
