//! A report as analysts receive it — a text file, a saved web page, a text PDF — to the text
//! `extract` reads, with a sentence saying how that text was made (written to `report.json`).
//! The format is chosen by content, not by the file's name.
//!
//! - **PDF** (`%PDF-` at the start): every page's text by pdf-extract; lines a page broke inside
//!   sentences are joined later, as for pasted text.
//! - **HTML** (a tag such as `<html`, `<!doctype html`, `<body` or `<p` near the start): parsed
//!   by html5ever (scraper); the page's title, its date and source lines, and the text of the
//!   element that holds most of its Chinese prose (the article, not the menus), one line per
//!   paragraph.
//! - **Text**: UTF-8, or GB18030 (GBK, GB2312) when it is not UTF-8; a byte-order mark is dropped.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

/// The text to extract from and how it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub text: String,
    /// `text`, `html` or `pdf`.
    pub format: &'static str,
    /// How the text was made from the input, for `report.json`.
    pub how: String,
}

/// Mirror sites annotate characters with their pinyin in brackets (結(jié)好, 報網(wǎng)), which
/// splits the words the rules read. When a text has three or more such annotations they are
/// taken out (and `how` says so); a lone bracket of Latin letters is left alone.
fn without_inline_pinyin(text: &str) -> Option<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let is_pinyin = |c: char| c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ".contains(c);
    let mut spans = Vec::new();
    let mut i = 1;
    while i < chars.len() {
        if (chars[i] == '(' || chars[i] == '（') && super::text::is_han(chars[i - 1]) {
            let mut j = i + 1;
            while j < chars.len() && j - i <= 7 && is_pinyin(chars[j]) {
                j += 1;
            }
            let toned = chars[i + 1..j].iter().any(|c| !c.is_ascii());
            if j > i + 1 && j < chars.len() && (chars[j] == ')' || chars[j] == '）') && toned {
                spans.push((i, j + 1));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    if spans.len() < 3 {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(a, b) in &spans {
        out.extend(&chars[at..a]);
        at = b;
    }
    out.extend(&chars[at..]);
    Some((out, spans.len()))
}

/// Reads `bytes` as a report. The error names what is wrong with the input.
pub fn read(bytes: &[u8]) -> Result<Input, String> {
    let mut input = read_raw(bytes)?;
    if let Some((clean, n)) = without_inline_pinyin(&input.text) {
        input.text = clean;
        input.how = format!(
            "{}; {n} pinyin annotations in brackets after characters (a mirror site's, 結(jié)) taken out",
            input.how
        );
    }
    Ok(input)
}

fn read_raw(bytes: &[u8]) -> Result<Input, String> {
    if bytes.starts_with(b"%PDF-") {
        return pdf(bytes);
    }
    let (text, encoding) = decode(bytes)?;
    if looks_like_html(&text) {
        // The parser's cost grows with the square of the nesting: no real page is nested
        // thousands deep, a hostile one is refused before it is parsed.
        let depth = nesting(&text);
        if depth > MAX_NESTING {
            return Err(format!(
                "a web page nested {depth} elements deep (amity reads pages up to {MAX_NESTING} deep)"
            ));
        }
        let t = html(&text);
        if t.chars().filter(|&c| super::text::is_han(c)).count() == 0 {
            return Err("a web page with no Chinese text in it".into());
        }
        return Ok(Input {
            text: t,
            format: "html",
            how: format!(
                "a web page ({encoding}): its title, date and source lines, and the paragraphs of the element that holds most of its Chinese text, one line each (scraper 0.29 / html5ever)"
            ),
        });
    }
    Ok(Input {
        text,
        format: "text",
        how: format!("the text file as given ({encoding})"),
    })
}

fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok((s.to_string(), "UTF-8"));
    }
    // GB18030 covers GBK and GB2312, the encodings Chinese government pages still use.
    let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(b);
    if had_errors {
        let at = std::str::from_utf8(b)
            .err()
            .map(|e| e.valid_up_to())
            .unwrap_or(0);
        return Err(format!(
            "neither UTF-8 nor GB18030 text (invalid byte at offset {at}); save the report as UTF-8"
        ));
    }
    Ok((s.into_owned(), "GB18030"))
}

/// The deepest nesting of elements a page may have.
pub const MAX_NESTING: usize = 5_000;

/// How deep a page's elements nest, counted on its tags (elements whose end tag may be left out,
/// p, li, td…, and void elements do not count): an estimate, before parsing.
fn nesting(src: &str) -> usize {
    const NOT_COUNTED: &[&str] = &[
        "p", "li", "td", "th", "tr", "dd", "dt", "option", "tbody", "thead", "tfoot", "br", "img",
        "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    for tag in src.split('<').skip(1) {
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || NOT_COUNTED.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !tag.split('>').next().unwrap_or("").ends_with('/') {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

fn looks_like_html(t: &str) -> bool {
    let head: String = t
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<body",
        "<head",
        "<div",
        "<p>",
        "<p ",
    ]
    .iter()
    .any(|w| head.contains(w))
}

fn pdf(bytes: &[u8]) -> Result<Input, String> {
    // pdf-extract panics on some malformed files: a bad PDF is an error, never a crash.
    let out = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match out {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => return Err(format!("a PDF whose text cannot be read ({e})")),
        Err(_) => return Err("a PDF whose text cannot be read (malformed file)".into()),
    };
    if text.chars().filter(|&c| super::text::is_han(c)).count() == 0 {
        return Err(
            "a PDF with no Chinese text (a scanned PDF holds images: run OCR first)".into(),
        );
    }
    // Page breaks (form feeds) are line breaks.
    let text = text.replace('\u{c}', "\n");
    Ok(Input {
        text,
        format: "pdf",
        how: "the text of every page of a PDF (pdf-extract 0.12), lines broken inside sentences joined as for pasted text".into(),
    })
}

/// Elements whose text is never the article's.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "button",
    "iframe", "svg", "template",
];
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "blockquote",
    "dd",
    "dt",
];

fn han(s: &str) -> usize {
    s.chars().filter(|&c| super::text::is_han(c)).count()
}

/// The text of `e` with a line break at each block, skipping scripts and navigation. Walks the
/// tree without recursion, so a page nested thousands deep cannot exhaust the stack.
fn block_text(e: ElementRef, out: &mut String) {
    let mut skip = 0usize;
    for edge in e.traverse().skip(1) {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(el) if skip > 0 || SKIP.contains(&el.name()) => skip += 1,
                _ if skip > 0 => {}
                Node::Text(t) => {
                    let t = t.replace(['\n', '\r', '\t'], " ");
                    let t = t.replace('\u{a0}', " ");
                    if !t.trim().is_empty() {
                        out.push_str(t.trim_matches(|c: char| c == ' ' && out.ends_with('\n')));
                    }
                }
                Node::Element(el)
                    if BLOCKS.contains(&el.name()) && !out.ends_with('\n') && !out.is_empty() =>
                {
                    out.push('\n');
                }
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(el) = n.value() {
                    if skip > 0 {
                        skip -= 1;
                    } else if BLOCKS.contains(&el.name()) && !out.ends_with('\n') {
                        out.push('\n');
                    }
                }
            }
        }
    }
}

/// The article of a page: the element whose paragraphs hold the most Chinese characters.
fn html(src: &str) -> String {
    let doc = Html::parse_document(src);
    let sel = |s: &str| Selector::parse(s).expect("a valid selector");
    // Score each element by the Chinese characters of its own paragraphs (p, and text directly
    // inside it), so the article's container wins over the page that contains it.
    let mut best: Option<(usize, ElementRef)> = None;
    // One pass over the tree, counting how deep inside a skipped element (script, nav…) it is.
    let mut skip = 0usize;
    for edge in doc.root_element().traverse() {
        let n = match edge {
            Edge::Open(n) => n,
            Edge::Close(n) => {
                if skip > 0 && n.value().is_element() {
                    skip -= 1;
                }
                continue;
            }
        };
        let Some(e) = ElementRef::wrap(n) else {
            continue;
        };
        let name = e.value().name();
        if skip > 0 || SKIP.contains(&name) {
            skip += 1;
            continue;
        }
        if !matches!(name, "div" | "article" | "section" | "td" | "main" | "body") {
            continue;
        }
        let mut score = 0;
        for c in e.children() {
            match c.value() {
                Node::Text(t) => score += han(t),
                Node::Element(el)
                    if matches!(el.name(), "p" | "span" | "font" | "strong" | "br") =>
                {
                    if let Some(ce) = ElementRef::wrap(c) {
                        score += han(&ce.text().collect::<String>());
                    }
                }
                _ => {}
            }
        }
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, e));
        }
    }
    let mut out = String::new();
    // The title: the first h1, else <title>.
    let title = doc
        .select(&sel("h1"))
        .map(|h| h.text().collect::<String>())
        .find(|t| han(t) > 0)
        .or_else(|| {
            doc.select(&sel("title"))
                .map(|t| t.text().collect::<String>())
                .next()
        });
    let mut body = String::new();
    if let Some((_, e)) = best {
        block_text(e, &mut body);
    }
    if let Some(t) = title {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
            // The article's own heading is the title line, above the date.
            if let Some(rest) = body.trim_start().strip_prefix(t.as_str()) {
                body = rest.to_string();
            }
        }
    }
    // A date or source line outside the article (发布时间：2023-12-20 来源：…).
    let mut meta = String::new();
    block_text(doc.root_element(), &mut meta);
    for line in meta.lines().map(str::trim) {
        let is_meta = ["发布时间", "发布日期", "日期", "时间", "来源", "发布机构"]
            .iter()
            .any(|k| line.starts_with(k) && line[k.len()..].starts_with([':', '：']));
        if is_meta && line.chars().count() <= 60 && !body.contains(line) {
            out.push_str(line);
            out.push('\n');
        }
    }
    for line in body.lines() {
        let l = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if !l.is_empty() {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gives_its_article_not_its_menus() {
        let page = "<!DOCTYPE html><html><head><title>某市外办 - 新闻</title><script>var x='会见';</script></head><body><nav><a>首页</a><a>机构设置</a><a>政务公开</a></nav><div class='meta'>发布时间：2023-12-20 来源：某市外办</div><div id='art'><h1>市长会见日本某市代表团</h1><p>12月18日，市长会见了日本某市市长率领的代表团。</p><p>双方签署了友好交流备忘录。</p></div><footer>版权所有 某市人民政府</footer></body></html>";
        let i = read(page.as_bytes()).unwrap();
        assert_eq!(i.format, "html");
        assert!(
            i.text
                .contains("12月18日，市长会见了日本某市市长率领的代表团。\n"),
            "{}",
            i.text
        );
        assert!(i.text.contains("双方签署了友好交流备忘录。"), "{}", i.text);
        assert!(i.text.contains("发布时间：2023-12-20"), "{}", i.text);
        assert!(
            !i.text.contains("机构设置")
                && !i.text.contains("版权所有")
                && !i.text.contains("var x"),
            "{}",
            i.text
        );
        assert!(i.text.starts_with("市长会见日本某市代表团\n"), "{}", i.text);
    }

    #[test]
    fn text_in_gb18030_and_bad_input() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("某市与韩国某市签署备忘录。");
        let i = read(&gbk).unwrap();
        assert_eq!(
            (i.format, i.text.as_str()),
            ("text", "某市与韩国某市签署备忘录。")
        );
        assert!(i.how.contains("GB18030"));
        assert!(read(b"%PDF-1.4 not really a pdf").is_err());
        assert!(read(&[0xff, 0xfe, 0x00, 0xd8]).is_err());
        let utf8 = read("\u{feff}某市外办".as_bytes()).unwrap();
        assert_eq!(utf8.text, "某市外办");
    }

    #[test]
    fn a_page_nested_too_deep_is_refused_and_a_deep_one_is_read() {
        let page = |n: usize| {
            format!(
                "<html><body>{}<p>市长会见了日本某市代表团。</p>{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        let err = read(page(200_000).as_bytes()).unwrap_err();
        assert!(err.contains("nested 200002 elements deep"), "{err}");
        let ok = read(page(4_000).as_bytes()).unwrap();
        assert!(
            ok.text.contains("市长会见了日本某市代表团。"),
            "{}",
            ok.text
        );
    }

    #[test]
    fn inline_pinyin_is_taken_out() {
        let i =
            read("兩市締結(jié)友好城市，國際友好城市達(dá)到25個，報(bào)道稱(ok)。".as_bytes())
                .unwrap();
        assert_eq!(
            i.text,
            "兩市締結友好城市，國際友好城市達到25個，報道稱(ok)。"
        );
        assert!(i.how.contains("3 pinyin annotations"), "{}", i.how);
        let once = read("他說(shuō)好。".as_bytes()).unwrap();
        assert_eq!(once.text, "他說(shuō)好。");
    }
}
