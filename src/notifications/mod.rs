//! Outbound notifications: channels (a Discord or Slack incoming webhook, or email addresses),
//! rules that route events per project to channels, and the outbox each notification goes through
//! (at least once, retried with backoff).

pub mod message;
pub mod notices;
pub mod retry;

use crate::ids::{ChannelId, NotificationId, ProjectId, RuleId};
use crate::time::Timestamp;
use crate::validation::{FieldErrors, optional_id, required_name};
use serde::{Deserialize, Serialize};

/// Events a rule can route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    #[serde(rename = "execution.completed")]
    ExecutionCompleted,
    #[serde(rename = "execution.failed")]
    ExecutionFailed,
    /// A run stopped at changes that wait for approval (the notice links to them).
    #[serde(rename = "approval.requested")]
    ApprovalRequested,
    #[serde(rename = "pacing.alert")]
    PacingAlert,
    #[serde(rename = "ab_test.winner")]
    AbTestWinner,
    /// "Send test" on a channel.
    #[serde(rename = "test")]
    Test,
}

impl EventKind {
    /// The events rules may name.
    pub const ROUTABLE: [EventKind; 5] = [
        EventKind::ExecutionCompleted,
        EventKind::ExecutionFailed,
        EventKind::ApprovalRequested,
        EventKind::PacingAlert,
        EventKind::AbTestWinner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ExecutionCompleted => "execution.completed",
            EventKind::ExecutionFailed => "execution.failed",
            EventKind::ApprovalRequested => "approval.requested",
            EventKind::PacingAlert => "pacing.alert",
            EventKind::AbTestWinner => "ab_test.winner",
            EventKind::Test => "test",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::ExecutionCompleted => "Run completed",
            EventKind::ExecutionFailed => "Run failed",
            EventKind::ApprovalRequested => "Approval needed",
            EventKind::PacingAlert => "Pacing alert",
            EventKind::AbTestWinner => "A/B test winner",
            EventKind::Test => "Test message",
        }
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ROUTABLE
            .into_iter()
            .chain([EventKind::Test])
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown event '{s}' (expected one of {})",
                    EventKind::ROUTABLE.map(EventKind::as_str).join(", ")
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChannelKind {
    Discord,
    Slack,
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Discord => "discord",
            ChannelKind::Slack => "slack",
            ChannelKind::Email => "email",
        }
    }
}

impl std::str::FromStr for ChannelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "discord" => Ok(ChannelKind::Discord),
            "slack" => Ok(ChannelKind::Slack),
            "email" => Ok(ChannelKind::Email),
            other => Err(format!(
                "unknown channel kind '{other}' (discord, slack or email)"
            )),
        }
    }
}

/// Where a channel sends, as shown: a webhook address with its token hidden, or the addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub kind: ChannelKind,
    /// `https://discord.com/api/webhooks/1234/…` (the token is a secret), or `a@x.com, b@y.org`.
    pub target: String,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = ChannelKind))]
    pub kind: String,
    /// Discord and Slack: the incoming webhook's address.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uri", example = "https://discord.com/api/webhooks/123/abc")
    )]
    pub url: Option<String>,
    /// Email: the recipients.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>, example = json!(["media-team@example.com"])))]
    pub to: Option<Vec<String>>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Where a channel sends, in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A Discord or Slack incoming webhook (a secret: whoever has it can post).
    Webhook(String),
    Email(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDraft {
    pub name: String,
    pub kind: ChannelKind,
    pub destination: Destination,
    pub active: bool,
}

impl ChannelDraft {
    /// The destination as shown.
    pub fn target(&self) -> String {
        match &self.destination {
            Destination::Webhook(url) => mask_url(url),
            Destination::Email(to) => to.join(", "),
        }
    }
}

/// A webhook address without its secret part: everything after the path's third segment.
pub fn mask_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let mut parts = rest.splitn(5, '/');
    let shown: Vec<&str> = parts.by_ref().take(4).collect();
    let hidden = parts.next().is_some_and(|r| !r.is_empty());
    let mut out = if scheme.is_empty() {
        shown.join("/")
    } else {
        format!("{scheme}://{}", shown.join("/"))
    };
    if hidden {
        out.push_str("/…");
    }
    out
}

/// A plausible email address: one `@`, a local part, a domain with a dot, no spaces or controls.
pub fn check_email(address: &str) -> Result<String, String> {
    let a = address.trim();
    let ok = a.len() <= 254
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && a.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && local.len() <= 64
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(a.to_owned())
    } else {
        Err(format!("'{a}' is not an email address"))
    }
}

impl ChannelInput {
    pub fn validate(&self) -> Result<ChannelDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required_name(&mut errors, "name", &self.name, 120);
        let kind = self
            .kind
            .trim()
            .parse::<ChannelKind>()
            .map_err(|e| errors.add("kind", e))
            .ok();
        let destination = match kind {
            Some(ChannelKind::Discord | ChannelKind::Slack) => {
                if self.to.is_some() {
                    errors.add("to", "only email channels have recipients");
                }
                match self.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                    None => {
                        errors.add("url", "the incoming webhook's address is required");
                        None
                    }
                    Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                        errors.add("url", "must start with https://");
                        None
                    }
                    Some(u) if u.len() > 2048 || u.chars().any(char::is_whitespace) => {
                        errors.add("url", "is not a valid address");
                        None
                    }
                    Some(u) => Some(Destination::Webhook(u.to_owned())),
                }
            }
            Some(ChannelKind::Email) => {
                if self.url.is_some() {
                    errors.add("url", "email channels send to 'to', not to a URL");
                }
                let to = self.to.clone().unwrap_or_default();
                if to.is_empty() {
                    errors.add("to", "at least one recipient is required");
                    None
                } else if to.len() > 50 {
                    errors.add("to", "at most 50 recipients");
                    None
                } else {
                    let mut ok = Vec::with_capacity(to.len());
                    for (i, a) in to.iter().enumerate() {
                        match check_email(a) {
                            Ok(a) => ok.push(a),
                            Err(e) => errors.add(&format!("to[{i}]"), e),
                        }
                    }
                    Some(Destination::Email(ok))
                }
            }
            None => None,
        };
        match (errors.is_empty(), kind, destination) {
            (true, Some(kind), Some(destination)) => Ok(ChannelDraft {
                name,
                kind,
                destination,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errors),
        }
    }
}

/// Routes events of a project (or of every project) to a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: RuleId,
    pub name: String,
    /// `None`: every project.
    pub project_id: Option<ProjectId>,
    pub events: Vec<EventKind>,
    pub channel_id: ChannelId,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

impl Rule {
    pub fn matches(&self, event: EventKind, project: Option<&ProjectId>) -> bool {
        self.active
            && self.events.contains(&event)
            && self.project_id.as_ref().is_none_or(|p| Some(p) == project)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub channel_id: String,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub project_id: Option<ProjectId>,
    pub events: Vec<EventKind>,
    pub channel_id: ChannelId,
    pub active: bool,
}

impl RuleInput {
    pub fn validate(&self) -> Result<RuleDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required_name(&mut errors, "name", &self.name, 120);
        let project_id = optional_id(
            &mut errors,
            "project_id",
            self.project_id.as_deref(),
            ProjectId::parse,
        );
        let channel_id = if self.channel_id.trim().is_empty() {
            errors.add("channel_id", "is required");
            None
        } else {
            optional_id(
                &mut errors,
                "channel_id",
                Some(&self.channel_id),
                ChannelId::parse,
            )
        };
        let mut events = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            match e.trim().parse::<EventKind>() {
                Ok(EventKind::Test) | Err(_) => errors.add(
                    &format!("events[{i}]"),
                    format!(
                        "'{e}' is not an event (one of {})",
                        EventKind::ROUTABLE.map(EventKind::as_str).join(", ")
                    ),
                ),
                Ok(k) if !events.contains(&k) => events.push(k),
                Ok(_) => {}
            }
        }
        if self.events.is_empty() {
            errors.add("events", "name at least one event");
        }
        match (errors.is_empty(), channel_id) {
            (true, Some(channel_id)) => Ok(RuleDraft {
                name,
                project_id,
                events,
                channel_id,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errors),
        }
    }
}

/// Where a notification stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Given up: the service refused it, or the attempts ran out. "Retry" queues it again.
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(DeliveryState::Pending),
            "delivered" => Ok(DeliveryState::Delivered),
            "dead" => Ok(DeliveryState::Dead),
            other => Err(format!("unknown notification state '{other}'")),
        }
    }
}

/// One notification to one channel, as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: NotificationId,
    pub channel_id: ChannelId,
    pub rule_id: Option<RuleId>,
    pub event: EventKind,
    /// What it is about (an execution id, a project id).
    pub subject: Option<String>,
    pub notice: message::Notice,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: Option<Timestamp>,
    /// The service's last answer (HTTP status), if it answered.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// The message a channel would get, in its service's own format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    /// The channel's kind: `discord`, `slack` or `email`.
    pub kind: String,
    /// The body the service would get.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// The Integrations page's notifications: channels, rules, the latest notifications, and the
/// projects rules can name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationsOverview {
    pub channels: Vec<Channel>,
    pub rules: Vec<Rule>,
    pub recent: Vec<Notification>,
    pub projects: Vec<crate::project::ProjectChoice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_check_their_destination() {
        let discord = ChannelInput {
            name: "Ops".into(),
            kind: "discord".into(),
            url: Some("https://discord.com/api/webhooks/123/abcdef".into()),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(discord.target(), "https://discord.com/api/webhooks/123/…");
        let e = ChannelInput {
            name: "Ops".into(),
            kind: "slack".into(),
            url: Some("ftp://x".into()),
            ..Default::default()
        }
        .validate()
        .expect_err("bad url");
        assert!(e.get("url").is_some());
        let e = ChannelInput {
            name: "Mail".into(),
            kind: "email".into(),
            to: Some(vec!["ops@example.com".into(), "not an address".into()]),
            ..Default::default()
        }
        .validate()
        .expect_err("bad address");
        assert!(e.get("to[1]").is_some(), "{e}");
        let e = ChannelInput {
            kind: "pager".into(),
            ..Default::default()
        }
        .validate()
        .expect_err("kind");
        assert!(e.get("kind").is_some() && e.get("name").is_some());
    }

    #[test]
    fn masking_hides_the_token() {
        assert_eq!(
            mask_url("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/services/T000/B000/…"
        );
        assert_eq!(
            mask_url("http://127.0.0.1:9000/hook"),
            "http://127.0.0.1:9000/hook"
        );
    }

    #[test]
    fn email_addresses() {
        assert!(check_email("a.b+c@mail.example.org").is_ok());
        for bad in [
            "",
            "a@b",
            "@b.com",
            "a@@b.com",
            "a b@c.com",
            "a@b.com.",
            "<a@b.com>",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_name_events_and_match_projects() {
        let e = RuleInput {
            name: "r".into(),
            events: vec!["execution.failed".into(), "test".into(), "nope".into()],
            channel_id: "chan_1".into(),
            ..Default::default()
        }
        .validate()
        .expect_err("bad events");
        assert!(e.get("events[1]").is_some() && e.get("events[2]").is_some());
        let draft = RuleInput {
            name: "Failures".into(),
            project_id: Some("proj_1".into()),
            events: vec!["execution.failed".into(), "execution.failed".into()],
            channel_id: "chan_1".into(),
            active: None,
        }
        .validate()
        .expect("valid");
        assert_eq!(draft.events, [EventKind::ExecutionFailed]);
        let rule = Rule {
            id: RuleId::parse("rule_1").expect("id"),
            name: draft.name,
            project_id: draft.project_id,
            events: draft.events,
            channel_id: draft.channel_id,
            active: true,
            created_at: Timestamp::parse("2026-11-25T00:00:00Z").expect("t"),
            updated_at: None,
        };
        let p1 = ProjectId::parse("proj_1").expect("id");
        let p2 = ProjectId::parse("proj_2").expect("id");
        assert!(rule.matches(EventKind::ExecutionFailed, Some(&p1)));
        assert!(!rule.matches(EventKind::ExecutionFailed, Some(&p2)));
        assert!(!rule.matches(EventKind::ExecutionFailed, None));
        assert!(!rule.matches(EventKind::ExecutionCompleted, Some(&p1)));
        let everywhere = Rule {
            project_id: None,
            ..rule
        };
        assert!(everywhere.matches(EventKind::ExecutionFailed, Some(&p2)));
    }

    #[test]
    fn event_names_round_trip() {
        for k in EventKind::ROUTABLE {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
            assert_eq!(serde_json::to_value(k).expect("json"), k.as_str());
        }
    }
}
