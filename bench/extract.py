#!/usr/bin/env python3
"""Precision and recall of `amity extract`, per kind and overall (issue 18).

Runs the extractor on reports whose facts are curated and matches each fact on
(kind, counterpart, year):
  - the seed report (data/reports/bjfao-2024h1.txt) against the facts of data/, mapped to the
    extractor's kinds as described in docs/extract.md ("How the seed's gold set is read");
  - the real reports of ../shared/reports-dev/ (when that folder exists) against the hand-curated
    gold sets bench/extract/gold-*.jsonl.
A fact with several counterparts counts once per counterpart; a fact with none counts as
(kind, "", year), and a stated total as (kind, "#N", year). Keys are sets per report, so a fact
the report restates (the same act in its task and its progress text) counts once; an undated
key is dropped when the same (kind, counterpart) is also dated in that report (a plan restated
where the report dates it).

Also checks that every quote is a verbatim substring of its passage, and times extraction on a
report of at least 20,000 characters (the target: extraction under 100 ms and the whole command under 1 s, release). Usage: bench/extract.py [--amity PATH] [--shared DIR]

`bench/extract.py corpus [--set dev|test|both] [--show] [--amity PATH]` runs the corpus of
bench/corpus/ (real reports of other issuers, gold annotated before the extractor saw them):
the dev set and the frozen test set apart, per report and per kind, the home guessed without
--home, and quotes outside their passage. --show lists misses for the dev set only.
"""
import argparse, csv, json, os, subprocess, sys, tempfile, time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")

def rows(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))

def split(cell):
    return [x for x in cell.split(";") if x]

def seed_gold():
    places = {r["id"]: r for r in rows("places.csv")}
    def country(pid):
        seen = 0
        while pid and seen < 10:
            p = places[pid]
            if p["level"] in ("country", "continent"):
                return pid
            pid, seen = p["part_of"], seen + 1
        return None
    def framed(pid):
        return places[pid]["admin_type"] == "special_administrative_region" or places[pid]["name_zh"] == "台湾"
    def other_side(pid):
        return framed(pid) or country(pid) != "china"
    def year_of(r, title=""):
        for c in ("date", "period_start"):
            if r.get(c):
                return int(r[c][:4])
        for i in range(len(title) - 3):
            s = title[i:i + 4]
            if s.isdigit() and 1900 <= int(s) <= 2100:
                return int(s)
        return None
    ties = rows("ties.csv")
    kinds = {
        "leader_meeting": "leader_meeting", "delegation_received": "delegation_received",
        "anniversary_celebration": "anniversary", "conference": "conference",
        "cultural_event": "event_held", "festival": "event_held", "training": "event_held",
        "exhibition": "event_held", "performance": "event_held", "promotion": "event_held",
        "visit": "visit_abroad", "exchange_cooperation": "exchange_cooperation",
    }
    gold = []
    # Only the seed's facts: data/ holds other reports' and tables' rows too.
    seed = lambda r: r.get("passage", "").startswith("bjfao-2024h1-")
    for r in rows("events.csv"):
        if not seed(r):
            continue
        if r["part_of"]:
            continue  # sub-events (包括文艺演出、图片展等) are parts of one act
        cps = [p for p in split(r["counterparts"]) + split(r["held_in"]) if p in places and other_side(p)]
        cps = list(dict.fromkeys(cps))
        k = kinds.get(r["kind"])
        year = year_of(r, r["title_zh"])
        if k == "anniversary":
            t = [t for t in ties if t["evidence"] == r["id"]]
            year = int(t[0]["start_year"]) if t and t[0]["start_year"] else None
        if k and cps:
            for c in cps:
                gold.append((k, places[c]["name_zh"], year))
        elif r["reported_count"] and not cps:
            gold.append(("count_total", "#" + r["reported_count"], year))
    for r in rows("agreements.csv"):
        if r["status"] != "signed" or not seed(r):
            continue
        year = year_of(r)
        for p in split(r["parties"]):
            if p in places and other_side(p):
                gold.append(("agreement_signed", places[p]["name_zh"], year))
    return gold

def file_gold(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            g = json.loads(line)
            c = "#%d" % g["count"] if g["kind"] == "count_total" else g.get("counterpart_zh", "")
            out.append((g["kind"], c, g.get("year")))
    return out

def predicted(facts):
    out = []
    for f in facts:
        y = f["year"]["value"] if f["year"] else None
        if f["kind"] == "count_total":
            out.append((f["kind"], "#%d" % f["count"]["value"] if f["count"] else "", y))
        elif f["counterparts"]:
            for c in f["counterparts"]:
                out.append((f["kind"], c["name_zh"], y))
        else:
            out.append((f["kind"], "", y))
    return out

try:
    from opencc import OpenCC
    _t2s = OpenCC("t2s").convert
except ImportError:  # pip install opencc-python-reimplemented (bench/requirements.txt)
    _t2s = lambda s: s

SUFFIXES = ("特别市", "广域市", "自治市", "市", "县", "州", "省", "区", "府", "都", "郡", "道", "国")

def norm(name):
    """A counterpart compared as the place, not the spelling: simplified characters, no
    suffix (福冈市 = 福冈, 京都市 = 京都)."""
    n = _t2s(name or "").strip()
    for suf in SUFFIXES:
        if n.endswith(suf) and len(n) > len(suf) + 1:
            return n[: -len(suf)]
    return n

def _country_forms():
    """A country's other Chinese names (印尼, 阿联酋) to its name, from the gazetteer's table:
    the same country, however the annotator or the gazetteer writes it."""
    out = {}
    path = os.path.join(DATA, "gazetteer", "countries.tsv")
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            for alt in filter(None, (r.get("alt_zh") or "").split(";")):
                out[alt.strip()] = r["name_zh"]
    # data/'s places' other names (印尼 for 印度尼西亚) too.
    for r in rows("places.csv"):
        for alt in filter(None, (r.get("alt_zh") or "").split(";")):
            out.setdefault(alt.strip(), r["name_zh"])
    return out

COUNTRY_FORMS = _country_forms()

def normed(keys):
    canon = lambda c: norm(COUNTRY_FORMS.get(_t2s(c), c))
    return [(k, c if c.startswith("#") else canon(c), y) for (k, c, y) in keys]

def keyset(keys):
    s = set(keys)
    dated = {(k, c) for (k, c, y) in s if y is not None}
    return {(k, c, y) for (k, c, y) in s if y is not None or (k, c) not in dated}

def run(amity, report, out, extra):
    t0 = time.perf_counter()
    p = subprocess.run([amity, "extract", report, "--out", out] + extra, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"amity extract {report} failed:\n{p.stderr}")
    facts = [json.loads(l) for l in open(os.path.join(out, "candidates.jsonl"), encoding="utf-8") if l.strip()]
    passages = {p["id"]: p["text"] for p in json.load(open(os.path.join(out, "report.json"), encoding="utf-8"))["passages"]}
    bad = [f for f in facts if f["quote"] not in passages.get(f["passage"], "")]
    return facts, bad, dt, p.stderr

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amity", default=os.path.join(ROOT, "target", "release", "amity"))
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared", "reports-dev"))
    a = ap.parse_args()
    if not os.path.exists(a.amity):
        subprocess.run(["cargo", "build", "--release", "--bin", "amity"], cwd=ROOT, check=True)
    sets = [("seed bjfao-2024h1 vs data/", os.path.join(DATA, "reports", "bjfao-2024h1.txt"),
             ["--report-id", "bjfao-2024h1", "--home", "beijing"], seed_gold())]
    if os.path.isdir(a.shared):
        for g in sorted(os.listdir(os.path.join(ROOT, "bench", "extract"))):
            if not g.startswith("gold-"):
                continue
            gp = os.path.join(ROOT, "bench", "extract", g)
            first = open(gp, encoding="utf-8").readline()
            name = {"gold-bjfao-2020.jsonl": "bjfao_2020_keytasks_20210119.txt",
                    "gold-guangzhou-2021.jsonl": "guangzhou_fao_2021_keywork_progress.txt",
                    "gold-hangzhou-2020.jsonl": "hangzhou_npc_sistercity_survey_20201026.txt"}.get(g)
            if first.strip():
                name = json.loads(first)["file"]
            path = os.path.join(a.shared, name)
            if os.path.exists(path):
                sets.append((name, path, [], file_gold(gp)))
    total = defaultdict(lambda: [0, 0, 0])  # kind -> tp, predicted, gold
    seed_only = defaultdict(lambda: [0, 0, 0])
    all_bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, path, extra, gold) in enumerate(sets):
            facts, bad, dt, _ = run(a.amity, path, os.path.join(tmp, str(i)), extra)
            all_bad += len(bad)
            P, G = keyset(normed(predicted(facts))), keyset(normed(gold))
            print(f"\n## {label}: {len(facts)} facts, {len(P)} keys predicted, {len(G)} gold, {dt*1000:.0f} ms")
            for key in sorted(P - G, key=str):
                print("  false positive:", key)
            for key in sorted(G - P, key=str):
                print("  missed:        ", key)
            for k in {x[0] for x in P | G}:
                pk, gk = {x for x in P if x[0] == k}, {x for x in G if x[0] == k}
                for t in ([total] + ([seed_only] if i == 0 else [])):
                    t[k][0] += len(pk & gk); t[k][1] += len(pk); t[k][2] += len(gk)
    def table(t, title):
        print(f"\n### {title}\n\n| kind | matched | predicted | gold | precision | recall |\n|---|---|---|---|---|---|")
        tp = pp = gg = 0
        for k in sorted(t):
            m, p, g = t[k]
            tp, pp, gg = tp + m, pp + p, gg + g
            print(f"| {k} | {m} | {p} | {g} | {m/p if p else float('nan'):.2f} | {m/g if g else float('nan'):.2f} |")
        print(f"| **overall** | {tp} | {pp} | {gg} | {tp/pp if pp else 0:.2f} | {tp/gg if gg else 0:.2f} |")
    table(seed_only, "seed report against data/")
    table(total, f"dev set ({len(sets)} reports)")
    print(f"\nquotes not verbatim in their passage: {all_bad}")
    # Speed: one report of at least 10,000 characters (the texts above, concatenated).
    text = ""
    while len(text) < 20000:
        for _, path, _, _ in sets:
            text += open(path, encoding="utf-8").read() + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        rp = os.path.join(tmp, "big.txt")
        open(rp, "w", encoding="utf-8").write(text)
        times = []
        for _ in range(3):
            _, _, dt, err = run(a.amity, rp, os.path.join(tmp, "o"), ["--home", "beijing", "--date", "2024-06-13"])
            times.append(dt)
        print(f"speed: {len(text)} characters, whole command (load data/, build gazetteer, extract, write) "
              f"best of 3 {min(times)*1000:.0f} ms; {err.strip().splitlines()[0]}")

CORPUS = os.path.join(ROOT, "bench", "corpus")

def corpus_set(amity, which, show):
    """The corpus's reports of `which` (dev or test): the home guessed without --home against
    the annotated one, then the facts with the annotated home against the gold file."""
    folder = os.path.join(CORPUS, which)
    if not os.path.isdir(folder):
        return
    names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".txt"))
    total = defaultdict(lambda: [0, 0, 0])
    rows, homes, bad_quotes = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, n in enumerate(names):
            txt = os.path.join(folder, n + ".txt")
            meta = json.load(open(os.path.join(folder, n + ".meta.json"), encoding="utf-8"))
            gold = file_gold(os.path.join(folder, n + ".gold.jsonl"))
            want_home = norm(meta["home_zh"])
            # The home as a new user gets it: guessed, or refused with candidates.
            p = subprocess.run([amity, "extract", txt, "--out", os.path.join(tmp, f"h{i}")],
                               capture_output=True, text=True)
            if p.returncode == 0:
                h = json.load(open(os.path.join(tmp, f"h{i}", "report.json"), encoding="utf-8"))["header"]["home"]
                guessed = ""
                for pl in csv.DictReader(open(os.path.join(tmp, f"h{i}", "places.csv"), encoding="utf-8")) if os.path.exists(os.path.join(tmp, f"h{i}", "places.csv")) else []:
                    if pl["id"] == h:
                        guessed = pl["name_zh"]
                if not guessed:
                    guessed = {r["id"]: r["name_zh"] for r in rows_of_data("places.csv")}.get(h, h)
                home_ok = "right" if norm(guessed) == want_home else f"wrong ({guessed})"
            else:
                home_ok = "refused" if "candidates" in p.stderr or "--home" in p.stderr else "failed"
            homes += home_ok in ("right", "refused")
            extra = ["--home", meta["home_zh"]]
            if meta.get("date"):
                extra += ["--date", meta["date"]]
            q = subprocess.run([amity, "extract", txt, "--out", os.path.join(tmp, str(i))] + extra,
                               capture_output=True, text=True)
            if q.returncode != 0:
                q = subprocess.run([amity, "extract", txt, "--out", os.path.join(tmp, str(i))]
                                   + (["--date", meta["date"]] if meta.get("date") else []),
                                   capture_output=True, text=True)
            if q.returncode != 0:
                rows.append(f"| {n} | {meta['home_zh']} | {home_ok} | extract failed | | | |")
                continue
            out = os.path.join(tmp, str(i))
            facts = [json.loads(l) for l in open(os.path.join(out, "candidates.jsonl"), encoding="utf-8") if l.strip()]
            passages = {x["id"]: x["text"] for x in json.load(open(os.path.join(out, "report.json"), encoding="utf-8"))["passages"]}
            bad_quotes += sum(1 for f in facts if f["quote"] not in passages.get(f["passage"], ""))
            P, G = keyset(normed(predicted(facts))), keyset(normed(gold))
            if show:
                for key in sorted(P - G, key=str):
                    print(f"  {n} false positive:", key)
                for key in sorted(G - P, key=str):
                    print(f"  {n} missed:        ", key)
            for k in {x[0] for x in P | G}:
                pk, gk = {x for x in P if x[0] == k}, {x for x in G if x[0] == k}
                total[k][0] += len(pk & gk); total[k][1] += len(pk); total[k][2] += len(gk)
            m = len(P & G)
            rows.append(f"| {n} | {meta['home_zh']} | {home_ok} | {m} | {len(P)} | {len(G)} | "
                        f"{m/len(P) if P else float('nan'):.2f} / {m/len(G) if G else float('nan'):.2f} |")
    print(f"\n### corpus {which} set ({len(names)} reports)\n")
    print("| report | home | home without --home | matched | predicted | gold | P / R |\n|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n| kind | matched | predicted | gold | precision | recall |\n|---|---|---|---|---|---|")
    tp = pp = gg = 0
    for k in sorted(total):
        m, p_, g = total[k]
        tp, pp, gg = tp + m, pp + p_, gg + g
        print(f"| {k} | {m} | {p_} | {g} | {m/p_ if p_ else float('nan'):.2f} | {m/g if g else float('nan'):.2f} |")
    print(f"| **overall** | {tp} | {pp} | {gg} | {tp/pp if pp else 0:.2f} | {tp/gg if gg else 0:.2f} |")
    print(f"\nhome right or refused without --home: {homes} of {len(names)}; quotes not verbatim: {bad_quotes}")

def rows_of_data(name):
    return rows(name)

def test_set_frozen():
    """Whether every file of the test set is the one frozen in bench/corpus/test.sha256."""
    import hashlib
    want = {}
    for line in open(os.path.join(CORPUS, "test.sha256"), encoding="utf-8"):
        h, name = line.split(None, 1)
        want[name.strip()] = h
    have = {f: hashlib.sha256(open(os.path.join(CORPUS, "test", f), "rb").read()).hexdigest()
            for f in os.listdir(os.path.join(CORPUS, "test"))}
    return want == have

def corpus_main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amity", default=os.path.join(ROOT, "target", "release", "amity"))
    ap.add_argument("--set", choices=["dev", "test", "both"], default="both")
    ap.add_argument("--show", action="store_true",
                    help="list misses and false positives (dev set only: the test set is frozen)")
    a = ap.parse_args(sys.argv[2:])
    for which in (["dev", "test"] if a.set == "both" else [a.set]):
        if which == "test" and not test_set_frozen():
            print("\nthe test set differs from bench/corpus/test.sha256: no test figure")
            continue
        corpus_set(a.amity, which, a.show and which == "dev")

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "corpus":
        corpus_main()
    else:
        main()
