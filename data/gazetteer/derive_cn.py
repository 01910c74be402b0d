#!/usr/bin/env python3
"""Derive cn_divisions.tsv: every administrative division of the Chinese mainland down to county
level (provinces, prefecture-level units, counties, county-level cities, city districts), with
its official code, parent, level, coordinates and, where one can be had, English name and
Wikidata QID. Offline; inputs (see SOURCE.md, "China's divisions"):

  * modood/Administrative-divisions-of-China, bare git dir at a pinned commit: the National
    Bureau of Statistics' division codes (dist/provinces.csv, cities.csv, areas.csv; data as of
    2022-10-31, published 2022-12-29). The list of units.
  * Vonng/adcode, bare git dir at a pinned commit: the same codes (2016 baseline, with the civil
    affairs ministry's 2017 changes) with each unit's centre (longitude, latitude). The
    coordinates, matched by code, else by name under the same province.
  * cities.tsv (built by derive.py from dr5hn): English names and QIDs of CN rows, taken only
    when the Chinese name matches (with or without its suffix) and the point is within 40 km.

Usage: python3 derive_cn.py [--modood-git DIR] [--adcode-git DIR] [--out cn_divisions.tsv]
"""
import argparse
import csv
import io
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODOOD_GIT = '/work/.mirror/modood+Administrative-divisions-of-China/repo'
MODOOD_COMMIT = '57a0aa9'
ADCODE_GIT = '/work/.mirror/Vonng+adcode/repo/.git'
ADCODE_COMMIT = 'b755d6e'

# Placeholder rows of the code list that are not units: a municipality's "市辖区" and a
# province's "省直辖县级行政区划" (their children hang under the province itself).
PLACEHOLDERS = ('市辖区', '省直辖县级行政区划', '自治区直辖县级行政区划')
MUNICIPALITIES = {'11', '12', '31', '50'}
SUFFIXES = ('特别行政区', '维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '自治州', '自治县',
            '自治旗', '地区', '林区', '特区', '新区', '省', '市', '县', '区', '旗', '盟')


def git_show(git, commit, path):
    return subprocess.run(['git', '--git-dir', git, 'show', f'{commit}:{path}'],
                          check=True, capture_output=True).stdout.decode('utf-8')


def git_files(git, commit, under):
    out = subprocess.run(['git', '--git-dir', git, 'ls-tree', '-r', '--name-only', commit, under],
                         check=True, capture_output=True).stdout.decode()
    return [l for l in out.splitlines() if l.endswith('.csv')]


def bare(name):
    for s in SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[:-len(s)]
    return name


def kind_of(code, name):
    """The unit's kind, from its code's level and its name."""
    if code.endswith('0000'):
        if code[:2] in MUNICIPALITIES:
            return 'municipality'
        return 'autonomous_region' if name.endswith('自治区') else 'province'
    if code.endswith('00'):
        for s, k in (('自治州', 'autonomous_prefecture'), ('地区', 'prefecture'), ('盟', 'league'),
                     ('市', 'prefecture_city')):
            if name.endswith(s):
                return k
        return 'prefecture'
    for s, k in (('自治县', 'autonomous_county'), ('自治旗', 'autonomous_banner'), ('旗', 'banner'),
                 ('林区', 'forestry_district'), ('特区', 'special_district'), ('区', 'urban_district'),
                 ('市', 'county_city'), ('县', 'county')):
        if name.endswith(s):
            return k
    return 'county'


def km(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p = math.pi / 180
    h = (math.sin((la2 - la1) * p / 2) ** 2
         + math.cos(la1 * p) * math.cos(la2 * p) * math.sin((lo2 - lo1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--modood-git', default=MODOOD_GIT)
    ap.add_argument('--modood-commit', default=MODOOD_COMMIT)
    ap.add_argument('--adcode-git', default=ADCODE_GIT)
    ap.add_argument('--adcode-commit', default=ADCODE_COMMIT)
    ap.add_argument('--out', default=os.path.join(HERE, 'cn_divisions.tsv'))
    a = ap.parse_args()

    # The units: provinces, prefectures, counties, each with its parent's code.
    units = []
    for row in csv.DictReader(io.StringIO(git_show(a.modood_git, a.modood_commit, 'dist/provinces.csv'))):
        units.append((row['code'] + '0000', row['name'], ''))
    prefecture_names = {}
    for row in csv.DictReader(io.StringIO(git_show(a.modood_git, a.modood_commit, 'dist/cities.csv'))):
        prefecture_names[row['code']] = row['name']
        if row['name'] in PLACEHOLDERS:
            continue
        units.append((row['code'] + '00', row['name'], row['provinceCode'] + '0000'))
    for row in csv.DictReader(io.StringIO(git_show(a.modood_git, a.modood_commit, 'dist/areas.csv'))):
        city = row['cityCode']
        parent = (row['provinceCode'] + '0000' if prefecture_names.get(city) in PLACEHOLDERS
                  else city + '00')
        # Codes 71-79 at county level are the statistical codes of development zones (经济开发区,
        # 高新区, 管理区), not administrative divisions.
        if 71 <= int(row['code'][4:6]) <= 79:
            continue
        # A prefecture-level city without counties (东莞市, 儋州市, 嘉峪关市) is listed again at
        # county level under its own name: one unit.
        if row['code'] == city + '00' or row['name'] == prefecture_names.get(city):
            continue
        units.append((row['code'], row['name'], parent))
    units.sort()

    # Coordinates by code, and by (province, name) for units whose code changed since 2016.
    by_code, by_name = {}, {}
    for path in git_files(a.adcode_git, a.adcode_commit, 'data/adcode'):
        for f in csv.reader(io.StringIO(git_show(a.adcode_git, a.adcode_commit, path))):
            if len(f) < 14 or f[3] not in ('province', 'city', 'county') or not f[12]:
                continue
            code6, lon, lat = f[5], float(f[12]), float(f[13])
            by_code[code6] = (lat, lon, f[2])
            by_name.setdefault((code6[:2], f[2]), []).append((lat, lon, code6))
            # A county that became a district (肥乡县 → 肥乡区) keeps its stem and prefecture.
            by_name.setdefault((code6[:4], bare(f[2])), []).append((lat, lon, code6))

    # English names and QIDs from cities.tsv's CN rows (dr5hn), when name and place agree.
    dr5hn = {}
    with open(os.path.join(HERE, 'cities.tsv'), encoding='utf-8') as fh:
        for r in csv.DictReader(fh, delimiter='\t'):
            if r['country_iso2'] != 'CN' or r['admin1_zh'] in ('香港', '澳门', '台湾'):
                continue
            if not r['lat']:
                continue
            dr5hn.setdefault(bare(r['name_zh']), []).append(r)

    out, stats = [], {'coords_code': 0, 'coords_name': 0, 'no_coords': 0, 'en': 0, 'qid': 0}
    for code, name, parent in units:
        lat = lon = None
        source = ''
        if code in by_code and bare(by_code[code][2]) == bare(name):
            lat, lon, _ = by_code[code]
            source = f'Vonng/adcode {code}'
            stats['coords_code'] += 1
        else:
            same = by_name.get((code[:2], name), []) or by_name.get((code[:4], bare(name)), [])
            if len(same) == 1:
                lat, lon, old = same[0]
                source = f'Vonng/adcode {old} (same name, earlier code)'
                stats['coords_name'] += 1
            else:
                stats['no_coords'] += 1
        name_en = qid = ''
        if lat is not None:
            near = [r for r in dr5hn.get(bare(name), [])
                    if km((lat, lon), (float(r['lat']), float(r['lon']))) <= 40]
            # A county-level unit is matched only to a row of the same name with the suffix,
            # so 朝阳区 does not take the English name of 朝阳市 next door.
            if len(near) > 1:
                near = [r for r in near if r['name_zh'] == name] or near[:0]
            if len(near) == 1:
                name_en = near[0]['name_en']
                if near[0]['id'].startswith('Q'):
                    qid = near[0]['id']
        stats['en'] += bool(name_en)
        stats['qid'] += bool(qid)
        out.append([code, name, name_en, kind_of(code, name), parent,
                    f'{lat:.5f}' if lat is not None else '', f'{lon:.5f}' if lon is not None else '',
                    source, qid])
    # One QID names one unit: drop a QID two units took.
    seen = {}
    for r in out:
        if r[8]:
            seen.setdefault(r[8], []).append(r)
    for q, rs in seen.items():
        if len(rs) > 1:
            for r in rs:
                r[8] = ''
            stats['qid'] -= len(rs)
    with open(a.out, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, delimiter='\t', lineterminator='\n')
        w.writerow(['code', 'name_zh', 'name_en', 'kind', 'parent_code', 'lat', 'lon', 'coord_source', 'wikidata'])
        w.writerows(out)
    levels = {}
    for r in out:
        lv = 'province' if r[0].endswith('0000') else 'prefecture' if r[0].endswith('00') else 'county'
        levels[lv] = levels.get(lv, 0) + 1
    print(f'{len(out)} units {levels}; {stats}', file=sys.stderr)


if __name__ == '__main__':
    main()
