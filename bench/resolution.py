#!/usr/bin/env python3
"""How well `amity import ties` resolves the partners of real friendship-city tables (issue 30).

For every table (data/tables/ and bench/resolution/, each with its home city) the script runs
`amity import ties TABLE --home HOME --out TMP` and reads what the import wrote: each partner is
either resolved (a place of data/ or of the gazetteer) or new (the import's own place, noted
"A partner in the table that ...").

The check is Wikidata's 2016 P190 network (data/wikidata/): the partners Wikidata lists for the
home city's QID. A row can be checked when
  - one of the home's P190 partners carries the row's name (its crawl label, or its Chinese or
    English label from data/gazetteer/wikidata_places.tsv, suffixes such as 市/City dropped), or
  - the import resolved the row to a QID that is one of the home's P190 partners.
A checked row is right when the import's QID is that partner's QID, wrong when the import chose
another place, and new when the import made a new place.

It also counts the places of each import (and of data/places.csv) that sit at a country's point
in data/gazetteer/countries.tsv (target 0), and with --rows prints every row with its verdict
for checking by hand. Usage: bench/resolution.py [--amity PATH] [--rows]
"""
import argparse, csv, os, re, subprocess, sys, tempfile, unicodedata
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (table, --home, what its format is)
TABLES = [
    ("data/tables/shijiazhuang-friendship-cities-2005.csv", "石家庄", "zh only, 1981年4月19日"),
    ("data/tables/guangzhou-friendship-cities.csv", "guangzhou", "en only, 1979.05.02"),
    ("data/tables/beijing-sister-cities-2025-excerpt.csv", "beijing", "en only, March 14, 1979"),
    ("bench/resolution/xian-friendship-cities-2023.csv", "西安", "zh+en in one cell, 2001年 5 月11日"),
    ("bench/resolution/shanghai-friendship-cities-2012.csv", "上海", "zh and en columns, 1973.11.30"),
    ("bench/resolution/chengdu-sister-cities-en.csv", "成都", "en only, since 1979"),
]


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


SUFFIXES = ["特别市", "广域市", "联邦区", "市", "县", "州", "省", "区", "府", "都", "郡", "道"]
EN_WORDS = ["city of ", " city", " prefecture", " province", " state", " metropolis",
            " metropolitan", " (province)", " county", "greater ", "metro "]


def keys(name):
    """The forms a name is compared in: case, accents and punctuation folded, suffixes off."""
    if not name:
        return set()
    n = unicodedata.normalize("NFKD", name)
    n = "".join(c for c in n if not unicodedata.combining(c)).lower().strip()
    n = re.sub(r"[\s\-'’.,()（）]+", " ", n).strip()
    out = {n.replace(" ", "")}
    m = n
    for w in EN_WORDS:
        w = re.sub(r"[\-'’.,()]+", " ", w)
        m = m.replace(w.strip() if w.strip() != w else w, " ")
    out.add(m.replace(" ", ""))
    for s in SUFFIXES:
        if n.endswith(s) and len(n) > len(s) + 1:
            out.add(n[: -len(s)].replace(" ", ""))
    if n.startswith("saint "):
        out.add(("st" + n[5:]).replace(" ", ""))
    if n.startswith("st "):
        out.add(("saint" + n[2:]).replace(" ", ""))
    return {k for k in out if k}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amity", default=os.path.join(ROOT, "target", "release", "amity"))
    ap.add_argument("--rows", action="store_true", help="print every row with its verdict")
    args = ap.parse_args()

    labels = defaultdict(set)  # QID -> name keys
    for qid, name in read_tsv(os.path.join(ROOT, "data", "wikidata", "names.tsv")):
        labels[qid] |= keys(name)
    for row in read_tsv(os.path.join(ROOT, "data", "gazetteer", "wikidata_places.tsv"))[1:]:
        labels[row[0]] |= keys(row[1]) | keys(row[2])
    p190 = defaultdict(set)
    for a, b in read_tsv(os.path.join(ROOT, "data", "wikidata", "relations.tsv")):
        p190[a].add(b)
        p190[b].add(a)
    centroids = [(float(r[5]), float(r[6]), r[2]) for r in read_tsv(
        os.path.join(ROOT, "data", "gazetteer", "countries.tsv"))[1:]]

    def at_centroid(p):
        if p.get("level") == "country" or not p.get("lat") or not p.get("lon"):
            return None
        la, lo = float(p["lat"]), float(p["lon"])
        for cla, clo, name in centroids:
            if abs(la - cla) < 0.01 and abs(lo - clo) < 0.01:
                return name
        return None

    data_places = {p["id"]: p for p in read_csv(os.path.join(ROOT, "data", "places.csv"))}
    total = Counter()
    lines = []
    rows_out = []
    for table, home, form in TABLES:
        out = tempfile.mkdtemp(prefix="amity-resolution-")
        r = subprocess.run([args.amity, "import", "ties", os.path.join(ROOT, table), "--home", home,
                            "--out", out], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{table}: import failed: {r.stderr.strip()}")
        places = {p["id"]: p for p in read_csv(os.path.join(out, "places.csv"))}
        ties = read_csv(os.path.join(out, "ties.csv"))
        source = read_csv(os.path.join(ROOT, table))
        place = lambda i: places.get(i) or data_places.get(i) or {}
        home_qid = place(ties[0]["place_a"]).get("wikidata", "") if ties else ""
        partners = p190.get(home_qid, set())
        c = Counter()
        for t in ties:
            line = int(t["source"].rsplit(" ", 1)[1])
            src = source[line - 2]
            cells = [v for k, v in src.items() if k is not None]
            p = place(t["place_b"])
            new = (p.get("note") or "").startswith("A partner in the table that")
            qid = p.get("wikidata", "")
            names = set()
            for v in cells[:4]:
                names |= keys(v)
                for part in re.split(r"[\s(（]+", v):
                    names |= keys(part)
            by_name = {q for q in partners if labels.get(q, set()) & names}
            if len(by_name) == 1:
                expected = next(iter(by_name))
            elif qid in partners:
                expected = qid
            elif qid and qid in by_name:
                expected = qid
            else:
                expected = None
            if expected is None:
                verdict = "new, unchecked" if new else "resolved, unchecked"
            elif new:
                verdict = "new"
            elif not qid:
                verdict = f"resolved, no QID (P190 has {expected})"
            elif qid == expected:
                verdict = "right"
            else:
                verdict = f"wrong (P190 has {expected})"
            c["rows"] += 1
            c["new" if new else "resolved"] += 1
            if expected is not None:
                c["checked"] += 1
                c["c-" + verdict.split(" ")[0].rstrip(",") + ("-noqid" if "no QID" in verdict else "")] += 1
            rows_out.append((table, line, " | ".join(cells[:4]), t["place_b"],
                             p.get("name_en", ""), qid, verdict))
        cent = sum(1 for p in places.values() if at_centroid(p))
        c["centroid"] += cent
        total.update(c)
        share = lambda k, n: f"{c[k] / c[n]:.2f}" if c[n] else "–"
        lines.append(f"| {table.split('/')[-1]} | {home} ({home_qid or 'no QID'}) | {form} | {c['rows']} | "
                     f"{c['resolved']} | {c['new']} | {c['checked']} | {c['c-right']} | {c['c-resolved-noqid']} | {c['c-new']} | {c['c-wrong']} | "
                     f"{share('c-right', 'checked')} | {cent} |")
    data_cent = [p["id"] for p in data_places.values() if at_centroid(p)]
    print("| table | home | format | rows | resolved | new | checked by P190 | right | resolved, no QID | new | wrong | right/checked | at a centroid |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    share = total["c-right"] / total["checked"] if total["checked"] else 0
    print(f"| all | | | {total['rows']} | {total['resolved']} | {total['new']} | {total['checked']} | "
          f"{total['c-right']} | {total['c-resolved-noqid']} | {total['c-new']} | {total['c-wrong']} | "
          f"{share:.3f} | {total['centroid']} |")
    print(f"\nresolved share {total['resolved'] / total['rows']:.3f}, new share "
          f"{total['new'] / total['rows']:.3f}; right where P190 checks: {share:.3f} (target 0.95); "
          f"wrong: {total['c-wrong']}")
    print(f"data/places.csv at a country's point: {len(data_cent)} {data_cent}")
    if args.rows:
        print("\n| table | line | cells | place | English | QID | verdict |\n|---|---|---|---|---|---|---|")
        for r in rows_out:
            print("| " + " | ".join(str(x) for x in (r[0].split('/')[-1],) + r[1:]) + " |")
    if total["c-wrong"] or total["centroid"] or data_cent:
        sys.exit(1)


if __name__ == "__main__":
    main()
