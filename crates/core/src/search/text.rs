//! Text as the full-text index sees it.
//!
//! DuckDB's FTS splits on everything its `ignore` pattern matches; ours
//! keeps letters and digits of every script (`\p{L}`, `\p{N}`), so Cyrillic,
//! Greek or accented words are words. Chinese, Japanese and Korean are
//! written without spaces, so runs of those characters are indexed as
//! overlapping character bigrams ("提示词" -> "提示 示词"), the usual
//! approach of CJK search engines. Queries go through the same transform.

/// The `ignore` pattern given to `PRAGMA create_fts_index`.
pub const IGNORE_PATTERN: &str = r"(\.|[^\p{L}\p{N}])+";

/// Whether `c` belongs to a script written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x20000..=0x2A6DF) // CJK Extension B
}

/// Rewrites runs of CJK characters as space-separated bigrams (a run of one
/// character stays as it is); everything else is kept.
pub fn expand_cjk(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        match run.len() {
            0 => {}
            1 => {
                out.push(' ');
                out.push(run[0]);
                out.push(' ');
            }
            _ => {
                out.push(' ');
                for pair in run.windows(2) {
                    out.push(pair[0]);
                    out.push(pair[1]);
                    out.push(' ');
                }
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The indexed text of a prompt: synopsis and content.
pub fn search_body(synopsis: Option<&str>, content: &str) -> String {
    expand_cjk(&format!("{}\n{}", synopsis.unwrap_or(""), content))
}

/// Longest query text used for full-text search (a pasted page is cut).
pub const MAX_QUERY_CHARS: usize = 2_000;

/// Cuts a query to [`MAX_QUERY_CHARS`] characters.
pub fn clip_query(query: &str) -> &str {
    match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((i, _)) => &query[..i],
        None => query,
    }
}

/// Words of a query in lower case, for tag matching and short-query scans:
/// split on anything that is not a letter, digit, `#`, `-` or `_`.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !(c.is_alphanumeric() || c == '#' || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(expand_cjk("请扮演翻译"), " 请扮 扮演 演翻 翻译 ");
        assert_eq!(expand_cjk("AI提示词generator"), "AI 提示 示词 generator");
        assert_eq!(expand_cjk("一"), " 一 ");
        assert_eq!(
            expand_cjk("日本語のテキスト"),
            " 日本 本語 語の のテ テキ キス スト "
        );
        assert_eq!(expand_cjk("한국어"), " 한국 국어 ");
        assert_eq!(
            expand_cjk("plain English, Ελληνικά, русский"),
            "plain English, Ελληνικά, русский"
        );
    }

    #[test]
    fn queries_are_clipped_on_char_boundaries() {
        let long = "ü".repeat(MAX_QUERY_CHARS + 10);
        assert_eq!(clip_query(&long).chars().count(), MAX_QUERY_CHARS);
        assert_eq!(clip_query("short"), "short");
    }

    #[test]
    fn words_keep_tags_and_drop_punctuation() {
        assert_eq!(
            words("#Rust, \"SQL\" AND code-gen!"),
            vec!["#rust", "sql", "and", "code-gen"]
        );
    }
}
