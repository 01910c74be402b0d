//! Names: a table cell split into its Chinese and English names, suffixes dropped or added,
//! English names folded for comparison, and ids made from names.

use super::*;

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    One(usize),
    /// Namesakes the name and its context do not tell apart.
    Many(Vec<usize>),
    None,
}

impl Lookup {
    /// Every entry the name may be: the one, the namesakes, or none.
    pub fn into_vec(self) -> Vec<usize> {
        match self {
            Lookup::One(i) => vec![i],
            Lookup::Many(is) => is,
            Lookup::None => Vec::new(),
        }
    }
}

/// A name as the name index keys it: folded (traditional to simplified, full-width to
/// half-width) and without spaces.
pub(super) fn name_key(name: &str) -> String {
    fold(name)
        .into_iter()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A table cell or a name split into its Chinese part, its English part and a bracketed
/// qualifier: `奈良市 Nara`, `Kansas City (Missouri)`, `堪萨斯市（密苏里州）`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub zh: String,
    pub en: String,
    pub qualifier: Option<String>,
}

impl Cell {
    pub fn split(cell: &str) -> Cell {
        let folded: String = fold(cell).into_iter().collect();
        let mut main = folded.trim().to_string();
        let mut qualifier = None;
        // The bracket may close the cell (`Kansas City (Missouri)`) or sit between the names
        // (`堪萨斯市 (密苏里州) Kansas city`).
        if let Some(open) = main.find('(') {
            if let Some(len) = main[open..].find(')') {
                let q = main[open + 1..open + len].trim().to_string();
                if !q.is_empty() {
                    qualifier = Some(q);
                }
                main = format!("{} {}", main[..open].trim(), main[open + len + 1..].trim())
                    .trim()
                    .to_string();
            }
        }
        let (mut zh, mut en) = (String::new(), String::new());
        for c in main.chars() {
            if crate::extract::text::is_han(c)
                || c == '·'
                || (c == '-' && !zh.is_empty() && en.is_empty())
            {
                zh.push(c);
            } else if c.is_alphabetic() || (!en.is_empty() && matches!(c, ' ' | '-' | '\'' | '.')) {
                en.push(c);
            }
        }
        Cell {
            zh: zh.trim_matches(|c| c == '-' || c == '·').to_string(),
            en: en.trim().trim_end_matches(['-', '.']).trim().to_string(),
            qualifier,
        }
    }
}

/// A Chinese unit's name without its generic part: 内蒙古 for 内蒙古自治区, 延边 for
/// 延边朝鲜族自治州 (the stem keeps at least two characters).
pub fn strip_cn_suffix(s: &str) -> &str {
    const GENERIC: &[&str] = &[
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治州",
        "自治县",
        "自治旗",
        "地区",
        "林区",
        "特区",
        "省",
        "市",
        "县",
        "区",
        "旗",
        "盟",
    ];
    for g in GENERIC {
        if let Some(t) = s.strip_suffix(g) {
            if t.chars().count() >= 2 {
                return t;
            }
        }
    }
    s
}

pub(super) fn strip_suffix(s: &str) -> Option<&str> {
    let t = s.strip_suffix(SUFFIXES)?;
    (t.chars().count() >= 2).then_some(t)
}

/// A lowercase ASCII id from an English name ("Mexico City" → "mexico-city").
/// Characters that make up transliterated foreign names (尼亚加拉, 查达姆, 科凯麦基): a short name
/// flanked by two of them is part of a longer one.
pub(super) const TRANSLIT: &str = "阿埃艾安奥巴贝比波伯布达德迪多杜尔法菲弗福哥格古哈赫霍基吉加卡凯坎科克库拉莱兰朗劳勒雷里利林卢鲁伦罗洛马麦曼梅蒙米莫姆穆纳内尼努诺帕佩皮普萨塞森沙圣斯苏索塔泰特提图托瓦威维温沃乌西希谢辛休雅亚扬耶伊尤扎泽詹兹";

/// Official long English forms of country names that tables use, and the gazetteer's name.
pub(super) const EN_COUNTRY_FORMS: &[(&str, &str)] = &[
    ("united states of america", "united states"),
    ("usa", "united states"),
    ("republic of korea", "south korea"),
    ("korea", "south korea"),
    ("russian federation", "russia"),
    ("uk", "united kingdom"),
    ("great britain", "united kingdom"),
];

/// An English name folded for comparison: lower case, ASCII letters for accented Latin
/// ones, hyphens and runs of spaces as one space, without a leading "the".
pub(super) fn en_key(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à'..='å' | 'ā' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
            'ì'..='ï' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù'..='ü' | 'ū' | 'ű' => 'u',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ý' | 'ÿ' => 'y',
            '-' | '_' | '.' | ',' => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end().to_string();
    out.strip_prefix("the ").map(str::to_string).unwrap_or(out)
}

pub(super) fn strip_generic(k: &str) -> String {
    for w in [
        " city",
        " shi",
        " county",
        " municipality",
        " metropolitan city",
        " metropolis",
        " region",
    ] {
        if let Some(b) = k.strip_suffix(w) {
            return b.to_string();
        }
    }
    k.to_string()
}

pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        // Vietnamese and other marks folded to their base letter (Định → dinh).
        let c = match c {
            'ạ' | 'ả' | 'ã' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' | 'ă'
            | 'ą' => 'a',
            'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' | 'ę' | 'ě' => 'e',
            'ị' | 'ỉ' | 'ĩ' | 'ı' => 'i',
            'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' | 'ő' => {
                'o'
            }
            'ụ' | 'ủ' | 'ũ' | 'ư' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' | 'ů' | 'ű' => {
                'u'
            }
            'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' | 'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ć' | 'č' => 'c',
            'ł' => 'l',
            'ń' | 'ň' => 'n',
            'ř' => 'r',
            'ť' | 'ţ' => 't',
            'ğ' => 'g',
            'ß' => 's',
            _ => c,
        };
        let c = match c {
            'à'..='å' | 'ā' => 'a',
            'è'..='ë' | 'ē' => 'e',
            'ì'..='ï' | 'ī' => 'i',
            'ò'..='ö' | 'ø' | 'ō' => 'o',
            'ù'..='ü' | 'ū' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'đ' | 'Đ' => 'd',
            _ => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}
