//! What a notification says, and its form for each service: a Discord embed, Slack Block Kit, an
//! email. Each form stays inside its service's limits (Discord: content 2,000, 10 embeds, title 256,
//! description 4,096, 25 fields of 256 / 1,024, footer 2,048, 6,000 embed characters in all; Slack:
//! 50 blocks, header 150, section text 3,000, 10 fields of 2,000), cutting text with an ellipsis.
//! Discord counts UTF-16 units (JavaScript string length), Slack characters.

use super::EventKind;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub mod discord {
    pub const CONTENT: usize = 2000;
    pub const EMBEDS: usize = 10;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    pub const EMBED_TOTAL: usize = 6000;
}

pub mod slack {
    pub const BLOCKS: usize = 50;
    pub const HEADER: usize = 150;
    pub const SECTION: usize = 3000;
    pub const FIELDS: usize = 10;
    pub const FIELD: usize = 2000;
    pub const FALLBACK: usize = 3000;
}

/// How a notification should look: green, red, amber or neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    Success,
    Failure,
    Warning,
    Info,
}

impl Severity {
    /// Discord's embed colour (an RGB integer).
    pub fn color(self) -> u32 {
        match self {
            Severity::Success => 0x10b981,
            Severity::Failure => 0xef4444,
            Severity::Warning => 0xf59e0b,
            Severity::Info => 0x6366f1,
        }
    }

    fn emoji(self) -> &'static str {
        match self {
            Severity::Success => "✅",
            Severity::Failure => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeField {
    pub name: String,
    pub value: String,
    /// Shown side by side with its neighbours where the service can.
    pub inline: bool,
}

/// A notification, before it takes a service's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub event: EventKind,
    pub severity: Severity,
    pub title: String,
    pub summary: String,
    pub fields: Vec<NoticeField>,
    /// Where to look (the run's page), absolute.
    pub link: Option<String>,
    pub footer: String,
    pub occurred_at: Timestamp,
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `s` cut to at most `max` units of `len`, ending in "…" when cut.
fn clip_by(s: &str, max: usize, len: fn(&str) -> usize) -> String {
    if len(s) <= max {
        return s.to_owned();
    }
    let ellipsis = '…';
    let room = max.saturating_sub(len("…"));
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let mut buf = [0u8; 4];
        let w = len(ch.encode_utf8(&mut buf));
        if used + w > room {
            break;
        }
        used += w;
        out.push(ch);
    }
    if max >= len("…") {
        out.push(ellipsis);
    }
    out
}

fn clip16(s: &str, max: usize) -> String {
    clip_by(s, max, utf16_len)
}

fn clip_chars(s: &str, max: usize) -> String {
    clip_by(s, max, |t| t.chars().count())
}

/// Discord's webhook body: one embed, mentions disabled (a campaign named "@everyone" pings no one).
pub fn discord_payload(n: &Notice) -> Value {
    use discord::*;
    let title = clip16(&format!("{} {}", n.severity.emoji(), n.title), TITLE);
    let footer = clip16(&n.footer, FOOTER);
    let mut budget = EMBED_TOTAL.saturating_sub(utf16_len(&title) + utf16_len(&footer));
    let mut fields = Vec::new();
    for f in n.fields.iter().take(FIELDS) {
        let name = clip16(if f.name.trim().is_empty() { "—" } else { &f.name }, FIELD_NAME);
        let value = clip16(
            if f.value.trim().is_empty() {
                "—"
            } else {
                &f.value
            },
            FIELD_VALUE,
        );
        let cost = utf16_len(&name) + utf16_len(&value);
        // Keep room for a short description.
        if cost + 200 > budget {
            break;
        }
        budget -= cost;
        fields.push(json!({"name": name, "value": value, "inline": f.inline}));
    }
    let description = clip16(&n.summary, DESCRIPTION.min(budget));
    let mut embed = json!({
        "title": title,
        "description": description,
        "color": n.severity.color(),
        "timestamp": n.occurred_at.to_text(),
        "fields": fields,
        "footer": {"text": footer},
    });
    if let Some(link) = &n.link {
        embed["url"] = json!(link);
    }
    json!({
        "username": "Switchboard",
        "content": clip16(&format!("{} {}", n.severity.emoji(), n.title), CONTENT),
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    })
}

/// Slack's `&`, `<` and `>` are markup; everything else is text.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Slack's webhook body: a header, the summary, the fields (10 per section), a link and a footer,
/// with `text` as the notification's plain fallback.
pub fn slack_payload(n: &Notice) -> Value {
    use slack::*;
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": clip_chars(&format!("{} {}", n.severity.emoji(), n.title), HEADER), "emoji": true},
    })];
    if !n.summary.trim().is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": clip_chars(&slack_escape(&n.summary), SECTION)},
        }));
    }
    // Header, summary, link and footer take at most four blocks.
    for chunk in n.fields.chunks(FIELDS).take(BLOCKS - 4) {
        let fields: Vec<Value> = chunk
            .iter()
            .map(|f| {
                json!({"type": "mrkdwn", "text": clip_chars(&format!("*{}*\n{}", slack_escape(&f.name), slack_escape(&f.value)), FIELD)})
            })
            .collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    if let Some(link) = &n.link {
        blocks.push(json!({
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Open in Switchboard"}, "url": link}],
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip_chars(&slack_escape(&n.footer), SECTION)}],
    }));
    json!({
        "text": clip_chars(&format!("{}: {}", n.title, n.summary), FALLBACK),
        "blocks": blocks,
        "unfurl_links": false,
    })
}

/// An email: a one-line subject and a plain-text body.
pub fn email_parts(n: &Notice) -> (String, String) {
    let subject: String = clip_chars(&n.title.replace(['\r', '\n'], " "), 200);
    let mut body = format!("{}\n\n{}\n", n.title, n.summary);
    if !n.fields.is_empty() {
        body.push('\n');
        for f in &n.fields {
            body.push_str(&format!("{}: {}\n", f.name, f.value));
        }
    }
    if let Some(link) = &n.link {
        body.push_str(&format!("\nOpen in Switchboard: {link}\n"));
    }
    body.push_str(&format!("\n— {}\n", n.footer));
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(summary: &str, fields: usize, field_len: usize) -> Notice {
        Notice {
            event: EventKind::ExecutionCompleted,
            severity: Severity::Success,
            title: "Run completed: Spring launch".to_owned(),
            summary: summary.to_owned(),
            fields: (0..fields)
                .map(|i| NoticeField {
                    name: format!("Stage {i}"),
                    value: "x".repeat(field_len),
                    inline: true,
                })
                .collect(),
            link: Some("https://switchboard.example/executions/exec_1".to_owned()),
            footer: "Switchboard · Alpine Trails Travel".to_owned(),
            occurred_at: Timestamp::parse("2026-11-25T09:00:00Z").expect("time"),
        }
    }

    fn embed_total(p: &Value) -> usize {
        let e = &p["embeds"][0];
        let s = |v: &Value| utf16_len(v.as_str().unwrap_or(""));
        s(&e["title"])
            + s(&e["description"])
            + s(&e["footer"]["text"])
            + e["fields"]
                .as_array()
                .map_or(0, |f| f.iter().map(|f| s(&f["name"]) + s(&f["value"])).sum())
    }

    #[test]
    fn clipping_counts_utf16_units_and_marks_the_cut() {
        assert_eq!(clip16("abc", 3), "abc");
        assert_eq!(clip16("abcd", 3), "ab…");
        // An emoji is two UTF-16 units: never split in half.
        assert_eq!(clip16("😀😀😀", 4), "😀…");
        assert_eq!(utf16_len(&clip16(&"é".repeat(5000), 4096)), 4096);
        assert_eq!(clip_chars("ünïcödé", 4), "ünï…");
    }

    #[test]
    fn a_discord_embed_stays_inside_every_limit() {
        let p = discord_payload(&notice(&"s".repeat(10_000), 40, 2_000));
        let e = &p["embeds"][0];
        assert!(p["embeds"].as_array().is_some_and(|a| a.len() <= discord::EMBEDS));
        assert!(utf16_len(p["content"].as_str().expect("content")) <= discord::CONTENT);
        assert!(utf16_len(e["title"].as_str().expect("title")) <= discord::TITLE);
        assert!(utf16_len(e["description"].as_str().expect("description")) <= discord::DESCRIPTION);
        let fields = e["fields"].as_array().expect("fields");
        assert!(fields.len() <= discord::FIELDS);
        assert!(
            fields
                .iter()
                .all(|f| utf16_len(f["value"].as_str().unwrap_or("")) <= discord::FIELD_VALUE)
        );
        assert!(embed_total(&p) <= discord::EMBED_TOTAL, "{}", embed_total(&p));
        assert_eq!(e["color"], 0x10b981);
        assert_eq!(e["url"], "https://switchboard.example/executions/exec_1");
        assert_eq!(e["timestamp"], "2026-11-25T09:00:00.000Z");
        assert_eq!(p["allowed_mentions"]["parse"], json!([]));
    }

    #[test]
    fn a_small_notice_is_sent_whole() {
        let n = notice("3 stages, 12 tool calls, 4.2 s", 3, 10);
        let p = discord_payload(&n);
        assert_eq!(p["embeds"][0]["description"], "3 stages, 12 tool calls, 4.2 s");
        assert_eq!(p["embeds"][0]["fields"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn slack_blocks_stay_inside_every_limit_and_escape_markup() {
        let mut n = notice(&"s".repeat(5_000), 600, 3_000);
        n.summary = format!("<!channel> & {}", "s".repeat(5_000));
        let p = slack_payload(&n);
        let blocks = p["blocks"].as_array().expect("blocks");
        assert!(blocks.len() <= slack::BLOCKS, "{}", blocks.len());
        assert!(
            blocks[0]["text"]["text"]
                .as_str()
                .expect("header")
                .chars()
                .count()
                <= slack::HEADER
        );
        let summary = blocks[1]["text"]["text"].as_str().expect("summary");
        assert!(summary.starts_with("&lt;!channel&gt; &amp; "), "{summary}");
        assert!(summary.chars().count() <= slack::SECTION);
        for b in blocks.iter().filter(|b| b.get("fields").is_some()) {
            let f = b["fields"].as_array().expect("fields");
            assert!(f.len() <= slack::FIELDS);
            assert!(
                f.iter()
                    .all(|x| x["text"].as_str().unwrap_or("").chars().count() <= slack::FIELD)
            );
        }
        assert!(p["text"].as_str().expect("fallback").chars().count() <= slack::FALLBACK);
        assert_eq!(blocks.last().expect("context")["type"], "context");
    }

    #[test]
    fn an_email_has_a_one_line_subject() {
        let mut n = notice("All good", 1, 5);
        n.title = "Run\r\ncompleted".to_owned();
        let (subject, body) = email_parts(&n);
        assert_eq!(subject, "Run  completed");
        assert!(body.contains("Stage 0: xxxxx"));
        assert!(body.contains("https://switchboard.example/executions/exec_1"));
    }
}
