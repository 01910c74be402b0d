#!/usr/bin/env python3
"""Derive wikidata_places.tsv: Chinese and English names and the country of the places of
Wikidata's twin network (data/wikidata/), by QID, so the network reads 莫斯科 / Moscow, Russia
instead of the crawl's German labels. Offline; inputs (see SOURCE.md, "Wikidata places"):

  1. cities.tsv (this folder; derive.py): rows whose id is a QID.
  2. cn_divisions.tsv (this folder; derive_cn.py): units with a QID.
  3. dr5hn/countries-states-cities-database at the commit derive.py pins: every city of
     contributions/cities/<CC>.json and every state of sqlite/states.sqlite3 with a wikiDataId
     (name, zh-CN translation, country code). The snapshot lacks the files of 4 MiB or more
     (DE, FR, IT, US, …), so their smaller places stay without names.

The first source that has a QID wins.

It also writes qid_p190.tsv: cities.tsv rows whose QID is not in the twin network (or that have
none: GeoNames rows) although the network holds the same place under a QID (dr5hn often gives
a city's district, province or municipality item: Konya's province Q81551 where the network has
the city Q79857). A row is
aligned to a network QID only when the network place's crawl label, folded (case, accents,
punctuation), equals the row's English name (for China's units, cn:CODE, the unit's pinyin name), no other network place and no other cities.tsv row
carries that name (but a city and regions of its own country: the city), and the network place's country, where known, is the row's. The gazetteer
then uses the network's QID, so a tie from a table and Wikidata's tie meet on one node.

Usage: python3 derive_wikidata.py [--dr5hn-git DIR]
"""
import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'wikidata')
DEFAULT_GIT = '/work/.mirror/dr5hn+countries-states-cities-database/repo'
DEFAULT_COMMIT = '7fda0afd3e75391d9480c22ed3a2b91f50e08eb6'
sys.path.insert(0, HERE)


def show(git, commit, path):
    return subprocess.run(['git', '--git-dir', git, 'show', f'{commit}:{path}'],
                          capture_output=True, check=True).stdout


def chinese(s):
    # The same test as derive.py: all CJK ideographs (plus · or -), no kana or hangul.
    return bool(s) and all('\u4e00' <= c <= '\u9fff' or c in '·-' for c in s)


# dr5hn QIDs checked by hand against the crawl's labels and pairs and found to name another
# item; each row's QID is replaced by the one Wikidata's network uses for the place.
CORRECTIONS = {
    'Q26410': 'Q38283',      # dr5hn's Yokohama: Q26410 is Yokkaichi in the crawl; Q38283 is "Yokohama"
    'Q1486': 'Q44754',       # dr5hn swaps Buenos Aires: its province row has the city's Q1486
    'Q44754': 'Q1486',       # ... and its Autonomous City row the province's Q44754 (Beijing–Q1486 in P190)
    'Q33707919': 'Q36433',   # dr5hn's Porto (Portugal): Q36433 is "Porto" in the crawl; the name has namesakes
}

# Namesakes the name rule must leave apart (two network places and several rows of one name),
# aligned by hand: each network QID was found on public pages naming the city with its
# coordinates (Palermo, 38.12 N 13.36 E, as Q2656; the Kansas City of Missouri, listed with
# St. Louis, as Q41819).
BY_HAND = {
    'gn:2523920': 'Q2656',     # Palermo, Sicily (the network's other "Palermo" is Q1442359)
    'gn:4393217': 'Q41819',    # Kansas City, Missouri (the network's other "Kansas City" is Q486472)
}

# dr5hn QIDs that belong to another place of the network and to no row: the row gives its
# QID up (an empty network QID) and the place it names can take it.
NOT_THEIRS = {
    'Q79857': 'Konyaaltı, a district of Antalya; Q79857 is "Konya" (the city) in the crawl',
}

# Rows the name rule would align to a namesake: the crawl labels these cities with their German
# names (Sankt Petersburg, Neapel, Mailand), so its "Saint Petersburg", "Naples" and "Milan" are
# other places (found by checking every aligned row of 700,000 people or more by hand).
NOT_ALIGNED = {'gn:498817', 'gn:3172394', 'gn:3173435'}


# Words of a region in the crawl's (mostly German) labels, folded.
REGION_WORDS = ('oblast', 'provinz', 'province', 'region', 'kreis', 'bezirk', 'county',
                'departement', 'prafektur', 'prefecture', 'gouvernement', 'governorate', 'kanton',
                'bundesland', 'land', 'staat', 'state', 'krai', 'rajon', 'distrikt', 'district')


def fold(s):
    s = unicodedata.normalize('NFKD', s or '')
    s = ''.join(c for c in s if not unicodedata.combining(c)).lower()
    # "St. Petersburg" (GeoNames) and "Saint Petersburg" are one name.
    for short in ('st. ', 'st ', 'ste. ', 'ste '):
        if s.startswith(short):
            s = ('sainte ' if short.startswith('ste') else 'saint ') + s[len(short):]
    return ''.join(c for c in s if c.isalnum())


def align(crawl, known_country):
    """cities.tsv QID -> network QID (see the module's text), with the name they share."""
    net = {}
    for q, label in crawl.items():
        key = fold(label)
        # German "-Stadt" is the English " City" of a name (Ho-Chi-Minh-Stadt, Ho Chi Minh City).
        if key.endswith('stadt') and len(key) > 9:
            key = key[:-5] + 'city'
        net.setdefault(key, []).append(q)
    rows = {}
    with open(os.path.join(HERE, 'cities.tsv'), encoding='utf-8') as fh:
        for r in csv.DictReader(fh, delimiter='\t'):
            rows.setdefault(fold(r['name_en']), []).append(r)
    out = {old: (new, '', '') for old, new in CORRECTIONS.items()}
    for rs in rows.values():
        for r in rs:
            if r['id'] in BY_HAND:
                out[r['id']] = (BY_HAND[r['id']], r['name_en'], r['country_iso2'])
    # A QID another row already carries is that row's place (Nara the city, Q169134, is a row
    # of its own; the prefecture's "Nara" must not take it).
    held = {r['id'] for rs in rows.values() for r in rs} - set(NOT_THEIRS)
    for rs in rows.values():
        for r in rs:
            if r['id'] in NOT_THEIRS:
                out[r['id']] = ('', r['name_en'], r['country_iso2'])
    for key, qs in net.items():
        if not key or not rows.get(key):
            continue
        # Two network places of one name where a row already carries one of them (São Paulo
        # the state, Q175; Gwangju in Gyeonggi, Q42069): the other is the remaining row's.
        # Only a city of the country those rows are in takes it (below).
        eliminated = [q for q in qs if q in held] if len(qs) > 1 else []
        qs = [q for q in qs if q not in held] if len(qs) > 1 else qs
        if len(qs) != 1:
            continue
        # Namesakes stay apart: the crawl's labels are German, so "Saint Petersburg" is the one
        # in Florida (Russia's is "Sankt Petersburg"), and population cannot tell which is meant.
        # A city and regions of its country named alike (São Paulo, Isfahan) count as the city.
        # Regions of another country carrying an item the network lacks (the Phoenix Islands
        # beside Phoenix, Arizona) are not namesakes of this place.
        cands = [r for r in rows[key] if r['id'] not in eliminated]
        if eliminated:
            home = {r['country_iso2'] for r in rows[key] if r['id'] in eliminated}
            if len(home) != 1 or any(r['country_iso2'] not in home for r in cands):
                continue
        cities = [r for r in cands if r['level'] == 'city']
        if eliminated and len(cities) != 1:
            continue
        # (Only for a city of 100,000 or more: a small one, Bor in Russia, is as likely not
        # the network's place as the region's namesake town, Bor in Serbia, is.)
        if len(cities) == 1 and int(cities[0]['population'] or 0) >= 100000:
            cands = [r for r in cands if not (
                r['level'] == 'region' and r['id'].startswith('Q') and r['id'] not in crawl
                and r['country_iso2'] != cities[0]['country_iso2'])]
        if not cands:
            continue
        cities = [r for r in cands if r['level'] == 'city']
        if len(cands) > 1 and (len(cities) != 1 or any(
                r['country_iso2'] != cities[0]['country_iso2'] or r['id'] == qs[0] for r in cands)):
            continue
        q, r = qs[0], (cities or cands)[0]
        if r['id'] == q or q in held or r['id'] in crawl or r['id'] in out or r['id'] in NOT_ALIGNED \
                or r['country_iso2'] == 'CN':
            continue
        if known_country.get(q, r['country_iso2']) != r['country_iso2']:
            continue
        out[r['id']] = (q, r['name_en'], r['country_iso2'])
    # City-states (Hamburg, Saint Petersburg): dr5hn gives the network's item to the region row
    # while its city row, at the same point, has none. The city takes the item and the region
    # row gives it up (an empty network QID), so ties meet on the city and no two rows share it.
    by_name = {}
    for rs in rows.values():
        for r in rs:
            by_name.setdefault((fold(r['name_en']), r['country_iso2']), []).append(r)
    for (key, cc), rs in by_name.items():
        regs = [r for r in rs if r['level'] == 'region' and r['id'] in crawl]
        cits = [r for r in rs if r['level'] == 'city' and not r['id'].startswith('Q')
                and r['id'] not in out]
        if len(regs) != 1 or len(cits) != 1 or regs[0]['id'] in out:
            continue
        reg, city = regs[0], cits[0]
        try:
            near = abs(float(reg['lat']) - float(city['lat'])) < 0.3 and \
                abs(float(reg['lon']) - float(city['lon'])) < 0.3
        except ValueError:
            near = False
        # The network's label must not name a region ("Oblast Moskau" is Moscow's oblast, Q1697,
        # which dr5hn files as "Moscow"); Russia's city-state has its German label.
        label = fold(crawl.get(reg['id'], ''))
        if any(w in label for w in REGION_WORDS):
            continue
        if near and cc != 'CN':
            out[city['id']] = (reg['id'], city['name_en'], cc)
            out[reg['id']] = ('', reg['name_en'], cc)
    # China's units without a QID, the same way (key cn:CODE): pinyin names repeat (Changning),
    # so only a name one unit carries is taken.
    units = {}
    with open(os.path.join(HERE, 'cn_divisions.tsv'), encoding='utf-8') as fh:
        for r in csv.DictReader(fh, delimiter='\t'):
            units.setdefault(fold(r['name_en']), []).append(r)
    taken = {r['wikidata'] for us in units.values() for r in us if r['wikidata']}
    for key, qs in net.items():
        if len(qs) != 1 or len(units.get(key, [])) != 1 or not key:
            continue
        q, r = qs[0], units[key][0]
        if r['wikidata'] or q in taken or known_country.get(q, 'CN') != 'CN':
            continue
        out[f"cn:{r['code']}"] = (q, r['name_en'], 'CN')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dr5hn-git', default=DEFAULT_GIT)
    ap.add_argument('--commit', default=DEFAULT_COMMIT)
    ap.add_argument('--out', default=os.path.join(HERE, 'wikidata_places.tsv'))
    a = ap.parse_args()
    want = set()
    with open(os.path.join(DATA, 'names.tsv'), encoding='utf-8') as fh:
        want.update(l.split('\t')[0] for l in fh if l.strip())
    with open(os.path.join(DATA, 'relations.tsv'), encoding='utf-8') as fh:
        for l in fh:
            want.update(l.split()[:2])
    try:
        from opencc import OpenCC
        t2s = OpenCC('t2s').convert
    except ImportError:
        t2s = lambda s: s
    crawl = {}
    with open(os.path.join(DATA, 'names.tsv'), encoding='utf-8') as fh:
        for l in fh:
            if l.strip():
                q, label = l.rstrip('\n').split('\t')[:2]
                crawl[q] = label
    found = {}
    with open(os.path.join(HERE, 'cities.tsv'), encoding='utf-8') as fh:
        city_rows = list(csv.DictReader(fh, delimiter='\t'))
    for r in city_rows:
        q = CORRECTIONS.get(r['id'], r['id'])
        if q in want:
            found.setdefault(q, (r['name_zh'], r['name_en'], r['country_iso2'],
                                 'cities.tsv' if q == r['id'] else f"cities.tsv {r['id']}"))
    with open(os.path.join(HERE, 'cn_divisions.tsv'), encoding='utf-8') as fh:
        cn_units = list(csv.DictReader(fh, delimiter='\t'))
        for r in cn_units:
            if r['wikidata'] in want:
                found.setdefault(r['wikidata'], (r['name_zh'], r['name_en'], 'CN', f"cn_divisions.tsv {r['code']}"))
    files = subprocess.run(['git', '--git-dir', a.dr5hn_git, 'ls-tree', '-r', '--name-only', a.commit,
                            'contributions/cities'], capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        try:
            rows = json.loads(show(a.dr5hn_git, a.commit, f))
        except (subprocess.CalledProcessError, ValueError):
            continue
        for c in rows:
            q = c.get('wikiDataId')
            if q in want and q not in found:
                zh = t2s((c.get('translations') or {}).get('zh-CN') or '')
                found[q] = (zh if chinese(zh) else '', c.get('name') or '', c.get('country_code') or '',
                            f"dr5hn city {c.get('id')}")
    db = tempfile.mktemp(suffix='.sqlite3')
    with open(db, 'wb') as fh:
        fh.write(show(a.dr5hn_git, a.commit, 'sqlite/states.sqlite3'))
    con = sqlite3.connect(db)
    for q, name, tr, cc, sid in con.execute(
            'select wikiDataId, name, translations, country_code, id from states'):
        if q in want and q not in found:
            zh = t2s(json.loads(tr or '{}').get('zh-CN') or '')
            found[q] = (zh if chinese(zh) else '', name or '', cc or '', f'dr5hn state {sid}')
    con.close()
    os.unlink(db)
    # The network's QIDs that stand for a cities.tsv row under another QID.
    aligned = align(crawl, {q: v[2] for q, v in found.items()})
    by_id = {r['id']: r for r in city_rows}
    by_id.update({f"cn:{r['code']}": dict(r, country_iso2='CN') for r in cn_units})
    for old, (q, _, _) in aligned.items():
        r = by_id.get(old)
        if r is None or not q:
            continue
        found.setdefault(q, (r['name_zh'], r['name_en'], r['country_iso2'], f'cities.tsv {old}'))
    with open(os.path.join(HERE, 'qid_p190.tsv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, delimiter='\t', lineterminator='\n')
        w.writerow(['cities_qid', 'network_qid', 'name_en', 'country_iso2'])
        for old in sorted(aligned):
            w.writerow([old, *aligned[old]])
    print(f'{len(aligned)} cities.tsv rows aligned to the network QID of the same place', file=sys.stderr)
    # Hong Kong, Macao and Taiwan are regions of China here, as the reports frame them.
    rows = []
    for q in sorted(found, key=lambda q: int(q[1:])):
        zh, en, cc, src = found[q]
        if cc in ('HK', 'MO', 'TW'):
            cc = 'CN'
        rows.append([q, zh, en, cc, src])
    with open(a.out, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, delimiter='\t', lineterminator='\n')
        w.writerow(['qid', 'name_zh', 'name_en', 'country_iso2', 'source'])
        w.writerows(rows)
    print(f'{len(rows)} of {len(want)} QIDs named ({sum(1 for r in rows if r[1])} in Chinese)', file=sys.stderr)


if __name__ == '__main__':
    main()
