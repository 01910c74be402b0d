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

The first source that has a QID wins. Usage: python3 derive_wikidata.py [--dr5hn-git DIR]
"""
import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

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
    found = {}
    with open(os.path.join(HERE, 'cities.tsv'), encoding='utf-8') as fh:
        for r in csv.DictReader(fh, delimiter='\t'):
            if r['id'] in want:
                found.setdefault(r['id'], (r['name_zh'], r['name_en'], r['country_iso2'], 'cities.tsv'))
    with open(os.path.join(HERE, 'cn_divisions.tsv'), encoding='utf-8') as fh:
        for r in csv.DictReader(fh, delimiter='\t'):
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
