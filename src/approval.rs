//! Approval before money moves. A stage that would change budgets, bids or statuses, or create
//! objects, first works out its changes; under a workflow's `propose` policy it stores them as a
//! proposal (campaign, field, from, to, why) and waits: a person approves all or some, or rejects
//! them, and only the approved changes are applied, exactly as proposed. Small changes may be
//! approved by the policy itself ("auto-approve changes under 10%"); a proposal nobody decides on
//! expires and applies nothing. Pure: the executor stores and applies, this module decides.

use crate::Platform;
use crate::error::ParseError;
use crate::ids::{ExecutionId, ProjectId};
use crate::time::Timestamp;
use crate::validation::FieldErrors;
use crate::workflow::{Agent, text_enum};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

text_enum!(
    /// How a workflow's write actions go through: at once, or proposed for approval.
    ApprovalMode, "approval mode", {
        Auto => "auto",
        Propose => "propose",
    }
);

text_enum!(
    /// What a proposed change does.
    ChangeKind, "change kind", {
        Budget => "budget",
        Bid => "bid",
        Status => "status",
        Create => "create",
    }
);

text_enum!(
    /// Where one change stands.
    ChangeDecision, "change decision", {
        Pending => "pending",
        Approved => "approved",
        AutoApproved => "auto_approved",
        Rejected => "rejected",
        Expired => "expired",
        Withdrawn => "withdrawn",
    }
);

text_enum!(
    /// Where a proposal stands.
    ProposalStatus, "proposal status", {
        Pending => "pending",
        Decided => "decided",
        Expired => "expired",
        Withdrawn => "withdrawn",
    }
);

/// The longest a proposal may wait (30 days).
pub const MAX_EXPIRY_HOURS: u32 = 720;
/// How long a proposal waits when the workflow does not say.
pub const DEFAULT_EXPIRY_HOURS: u32 = 48;

/// A workflow's approval setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalPolicy {
    /// `propose` (the default): write actions wait for approval; `auto`: they apply at once.
    #[serde(default = "default_mode")]
    pub mode: ApprovalMode,
    /// In `propose` mode, budget and bid changes smaller than this (percent of the current value)
    /// are approved by the policy and applied at once. Statuses and new objects always wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve_under_pct: Option<f64>,
    /// Hours a proposal waits for a decision before it expires (applying nothing): 1 to 720.
    #[serde(default = "default_expiry")]
    pub expires_after_hours: u32,
}

fn default_mode() -> ApprovalMode {
    ApprovalMode::Propose
}

fn default_expiry() -> u32 {
    DEFAULT_EXPIRY_HOURS
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            mode: ApprovalMode::Propose,
            auto_approve_under_pct: None,
            expires_after_hours: DEFAULT_EXPIRY_HOURS,
        }
    }
}

impl ApprovalPolicy {
    /// Checks the limits; errors name `approval.<field>`.
    pub fn validate(&self, errors: &mut FieldErrors) {
        if let Some(pct) = self.auto_approve_under_pct
            && !(pct.is_finite() && pct > 0.0 && pct <= 100.0)
        {
            errors.add(
                "approval.auto_approve_under_pct",
                "must be a percentage above 0 and at most 100",
            );
        }
        if !(1..=MAX_EXPIRY_HOURS).contains(&self.expires_after_hours) {
            errors.add(
                "approval.expires_after_hours",
                format!("must be between 1 and {MAX_EXPIRY_HOURS} hours"),
            );
        }
    }

    /// One line for pages and notices.
    pub fn describe(&self) -> String {
        match (self.mode, self.auto_approve_under_pct) {
            (ApprovalMode::Auto, _) => "Changes apply at once".to_owned(),
            (ApprovalMode::Propose, None) => format!(
                "Changes wait for approval (expire after {} h)",
                self.expires_after_hours
            ),
            (ApprovalMode::Propose, Some(p)) => format!(
                "Changes wait for approval, except budget and bid changes under {p}% (expire after {} h)",
                self.expires_after_hours
            ),
        }
    }

    /// Whether the policy itself approves this change.
    pub fn approves(&self, change: &ProposedChange) -> bool {
        match self.mode {
            ApprovalMode::Auto => true,
            ApprovalMode::Propose => match (self.auto_approve_under_pct, change.change_pct()) {
                (Some(limit), Some(pct)) if matches!(change.kind, ChangeKind::Budget | ChangeKind::Bid) => {
                    pct.abs() < limit
                }
                _ => false,
            },
        }
    }
}

/// One change an agent wants to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedChange {
    /// `c1`, `c2`, ... in the order the agent decided them; what a decision names.
    pub id: String,
    pub connection_id: String,
    pub platform: Platform,
    pub kind: ChangeKind,
    /// The platform's id of what changes (none for an object still to be created).
    pub object_id: Option<String>,
    /// What a person reads: the campaign's or ad group's name.
    pub object_name: String,
    /// `daily_budget_micros`, `cpc_bid_micros`, `status`, `campaign`, `promotion`.
    pub field: String,
    /// The current value (micros for money, the platform's word for a status); none for a creation.
    pub from: Option<serde_json::Value>,
    pub to: serde_json::Value,
    /// The account's currency, for money fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<crate::Currency>,
    /// The agent's reason.
    pub why: String,
    pub decision: ChangeDecision,
    /// Set once the change was made on the platform.
    #[serde(default)]
    pub applied: bool,
    /// Why applying it failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the platform answered once it was applied (the new campaign's id, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
}

impl ProposedChange {
    /// The change in percent of the current value, for numeric fields with a current value.
    pub fn change_pct(&self) -> Option<f64> {
        let from = self.from.as_ref()?.as_f64()?;
        let to = self.to.as_f64()?;
        (from != 0.0).then(|| (to - from) / from * 100.0)
    }

    /// Whether the decision lets it be applied.
    pub fn is_approved(&self) -> bool {
        matches!(
            self.decision,
            ChangeDecision::Approved | ChangeDecision::AutoApproved
        )
    }
}

/// A stage's changes waiting for (or after) a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub id: String,
    pub execution_id: ExecutionId,
    pub project_id: Option<ProjectId>,
    pub workflow_name: Option<String>,
    pub stage_position: u32,
    pub stage_id: String,
    pub stage_name: String,
    pub agent: Agent,
    pub action: String,
    pub status: ProposalStatus,
    pub changes: Vec<ProposedChange>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
    /// Who decided: `owner`, `api key <name>`, or `expiry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The approvals page: proposals with their projects' names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalInbox {
    pub proposals: Vec<Proposal>,
    /// Project id → name, for the projects the proposals belong to.
    pub project_names: Vec<(String, String)>,
}

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    Approve,
    Reject,
}

impl FromStr for Verdict {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "approve" => Ok(Verdict::Approve),
            "reject" => Ok(Verdict::Reject),
            _ => Err(ParseError::invalid("decision", s, "expected approve or reject")),
        }
    }
}

/// A decision as a client sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionInput {
    /// `approve` applies the changes named in `change_ids` (all waiting ones when left out) and
    /// rejects the rest; `reject` rejects every waiting change.
    pub decision: Verdict,
    /// With `approve` only: the changes to apply (`c1`, `c3`).
    #[serde(default)]
    pub change_ids: Option<Vec<String>>,
    /// Why, for the audit trail (at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Why a decision cannot be taken.
#[derive(Debug, Clone, PartialEq)]
pub enum DecideError {
    /// The input is wrong (names the field).
    Invalid(FieldErrors),
    /// The proposal is no longer waiting (says why).
    NotPending(String),
}

impl Proposal {
    /// Whether nobody decided in time.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.status == ProposalStatus::Pending && now.as_datetime() >= self.expires_at.as_datetime()
    }

    /// Changes still waiting.
    pub fn waiting(&self) -> impl Iterator<Item = &ProposedChange> {
        self.changes
            .iter()
            .filter(|c| c.decision == ChangeDecision::Pending)
    }

    /// Takes a person's decision on the waiting changes.
    pub fn decide(&mut self, input: &DecisionInput, who: &str, now: Timestamp) -> Result<(), DecideError> {
        match self.status {
            ProposalStatus::Pending if self.is_expired(now) => {
                return Err(DecideError::NotPending(format!(
                    "the proposal expired at {}",
                    self.expires_at
                )));
            }
            ProposalStatus::Pending => {}
            other => {
                return Err(DecideError::NotPending(format!(
                    "the proposal is {other}, not waiting for a decision"
                )));
            }
        }
        let mut errors = FieldErrors::new();
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            errors.add("note", "must be at most 500 characters");
        }
        let chosen: Option<Vec<String>> = match (&input.decision, &input.change_ids) {
            (Verdict::Reject, Some(ids)) if !ids.is_empty() => {
                errors.add(
                    "change_ids",
                    "only with approve: approving some changes rejects the others",
                );
                None
            }
            (Verdict::Approve, Some(ids)) => {
                if ids.is_empty() {
                    errors.add(
                        "change_ids",
                        "names no change: leave it out to approve all, or reject",
                    );
                }
                for id in ids {
                    match self.changes.iter().find(|c| &c.id == id) {
                        None => errors.add("change_ids", format!("no change '{id}' in this proposal")),
                        Some(c) if c.decision != ChangeDecision::Pending => errors.add(
                            "change_ids",
                            format!("change '{id}' is not waiting (it is {})", c.decision),
                        ),
                        Some(_) => {}
                    }
                }
                Some(ids.clone())
            }
            _ => None,
        };
        if !errors.is_empty() {
            return Err(DecideError::Invalid(errors));
        }
        for c in self
            .changes
            .iter_mut()
            .filter(|c| c.decision == ChangeDecision::Pending)
        {
            let approve = match (&input.decision, &chosen) {
                (Verdict::Reject, _) => false,
                (Verdict::Approve, None) => true,
                (Verdict::Approve, Some(ids)) => ids.contains(&c.id),
            };
            c.decision = if approve {
                ChangeDecision::Approved
            } else {
                ChangeDecision::Rejected
            };
        }
        self.status = ProposalStatus::Decided;
        self.decided_at = Some(now);
        self.decided_by = Some(who.to_owned());
        self.note = note;
        Ok(())
    }

    /// Nobody decided in time: the waiting changes are not applied.
    pub fn expire(&mut self, now: Timestamp) {
        self.close(ProposalStatus::Expired, ChangeDecision::Expired, "expiry", now);
    }

    /// The run ended (cancelled) before anyone decided.
    pub fn withdraw(&mut self, now: Timestamp) {
        self.close(
            ProposalStatus::Withdrawn,
            ChangeDecision::Withdrawn,
            "cancellation",
            now,
        );
    }

    fn close(&mut self, status: ProposalStatus, decision: ChangeDecision, by: &str, now: Timestamp) {
        if self.status != ProposalStatus::Pending {
            return;
        }
        for c in self
            .changes
            .iter_mut()
            .filter(|c| c.decision == ChangeDecision::Pending)
        {
            c.decision = decision;
        }
        self.status = status;
        self.decided_at = Some(now);
        self.decided_by = Some(by.to_owned());
    }

    /// Counts for summaries: (applied or to apply, rejected/expired/withdrawn, waiting).
    pub fn counts(&self) -> (usize, usize, usize) {
        let approved = self.changes.iter().filter(|c| c.is_approved()).count();
        let waiting = self.waiting().count();
        (approved, self.changes.len() - approved - waiting, waiting)
    }

    /// One line: what was decided.
    pub fn summary(&self) -> String {
        let (approved, refused, waiting) = self.counts();
        match self.status {
            ProposalStatus::Pending => format!(
                "{waiting} change(s) waiting for approval{}",
                if approved > 0 {
                    format!(", {approved} approved by the policy")
                } else {
                    String::new()
                }
            ),
            ProposalStatus::Decided => format!(
                "{approved} of {} change(s) approved, {refused} rejected",
                self.changes.len()
            ),
            ProposalStatus::Expired => format!(
                "Proposal expired: {refused} change(s) not applied{}",
                if approved > 0 {
                    format!(", {approved} approved by the policy")
                } else {
                    String::new()
                }
            ),
            ProposalStatus::Withdrawn => {
                format!("Proposal withdrawn: {refused} change(s) not applied")
            }
        }
    }
}

/// Marks the changes the policy approves; the others wait.
pub fn pre_approve(policy: &ApprovalPolicy, changes: &mut [ProposedChange]) {
    for c in changes.iter_mut() {
        c.decision = if policy.approves(c) {
            ChangeDecision::AutoApproved
        } else {
            ChangeDecision::Pending
        };
    }
}

/// A proposal's expiry time: `hours` after `now`.
pub fn expiry(now: Timestamp, hours: u32) -> Timestamp {
    Timestamp::from_datetime(now.as_datetime() + chrono::Duration::hours(i64::from(hours)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(id: &str, kind: ChangeKind, from: Option<i64>, to: serde_json::Value) -> ProposedChange {
        ProposedChange {
            id: id.to_owned(),
            connection_id: "conn_1".to_owned(),
            platform: Platform::Google,
            kind,
            object_id: Some("111".to_owned()),
            object_name: "Brand search".to_owned(),
            field: "daily_budget_micros".to_owned(),
            from: from.map(|f| json!(f)),
            to,
            currency: None,
            why: "better return".to_owned(),
            decision: ChangeDecision::Pending,
            applied: false,
            error: None,
            result: None,
        }
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("time")
    }

    fn proposal(changes: Vec<ProposedChange>) -> Proposal {
        Proposal {
            id: "prop_1".to_owned(),
            execution_id: ExecutionId::parse("exec_1").expect("id"),
            project_id: None,
            workflow_name: None,
            stage_position: 1,
            stage_id: "rebalance".to_owned(),
            stage_name: "Rebalance".to_owned(),
            agent: Agent::Trader,
            action: "rebalance_budgets".to_owned(),
            status: ProposalStatus::Pending,
            changes,
            created_at: t("2026-12-05T10:00:00Z"),
            expires_at: t("2026-12-07T10:00:00Z"),
            decided_at: None,
            decided_by: None,
            note: None,
        }
    }

    #[test]
    fn the_policy_approves_only_small_money_changes() {
        let policy = ApprovalPolicy {
            auto_approve_under_pct: Some(10.0),
            ..ApprovalPolicy::default()
        };
        let mut changes = vec![
            change("c1", ChangeKind::Budget, Some(100_000_000), json!(109_000_000)),
            change("c2", ChangeKind::Budget, Some(100_000_000), json!(110_000_000)),
            change("c3", ChangeKind::Bid, Some(2_000_000), json!(1_900_000)),
            change("c4", ChangeKind::Status, None, json!("PAUSED")),
            change("c5", ChangeKind::Create, None, json!({"name": "New"})),
        ];
        pre_approve(&policy, &mut changes);
        let d: Vec<ChangeDecision> = changes.iter().map(|c| c.decision).collect();
        assert_eq!(
            d,
            [
                ChangeDecision::AutoApproved,
                // 10% exactly is not under 10%.
                ChangeDecision::Pending,
                ChangeDecision::AutoApproved,
                ChangeDecision::Pending,
                ChangeDecision::Pending,
            ]
        );
        assert_eq!(changes[0].change_pct(), Some(9.0));
        assert_eq!(changes[2].change_pct(), Some(-5.0));
        let mut all = changes.clone();
        pre_approve(&ApprovalPolicy::default(), &mut all);
        assert!(all.iter().all(|c| c.decision == ChangeDecision::Pending));
        let auto = ApprovalPolicy {
            mode: ApprovalMode::Auto,
            ..ApprovalPolicy::default()
        };
        pre_approve(&auto, &mut all);
        assert!(all.iter().all(|c| c.decision == ChangeDecision::AutoApproved));
    }

    #[test]
    fn approving_some_rejects_the_rest() {
        let mut p = proposal(vec![
            change("c1", ChangeKind::Budget, Some(100), json!(120)),
            change("c2", ChangeKind::Budget, Some(100), json!(80)),
            change("c3", ChangeKind::Budget, Some(100), json!(90)),
        ]);
        let input = DecisionInput {
            decision: Verdict::Approve,
            change_ids: Some(vec!["c1".into(), "c3".into()]),
            note: Some("  c2 is our brand campaign ".into()),
        };
        p.decide(&input, "owner", t("2026-12-05T11:00:00Z"))
            .expect("decided");
        let d: Vec<ChangeDecision> = p.changes.iter().map(|c| c.decision).collect();
        assert_eq!(
            d,
            [
                ChangeDecision::Approved,
                ChangeDecision::Rejected,
                ChangeDecision::Approved
            ]
        );
        assert_eq!(p.status, ProposalStatus::Decided);
        assert_eq!(p.decided_by.as_deref(), Some("owner"));
        assert_eq!(p.note.as_deref(), Some("c2 is our brand campaign"));
        assert_eq!(p.summary(), "2 of 3 change(s) approved, 1 rejected");
        // A second decision is refused.
        let again = p.decide(&input, "owner", t("2026-12-05T11:01:00Z"));
        assert!(matches!(again, Err(DecideError::NotPending(_))));
    }

    #[test]
    fn rejecting_applies_nothing_and_auto_approved_changes_stay() {
        let mut changes = vec![
            change("c1", ChangeKind::Budget, Some(100), json!(105)),
            change("c2", ChangeKind::Budget, Some(100), json!(150)),
        ];
        pre_approve(
            &ApprovalPolicy {
                auto_approve_under_pct: Some(10.0),
                ..ApprovalPolicy::default()
            },
            &mut changes,
        );
        let mut p = proposal(changes);
        let input = DecisionInput {
            decision: Verdict::Reject,
            change_ids: None,
            note: None,
        };
        p.decide(&input, "api key ci", t("2026-12-05T11:00:00Z"))
            .expect("decided");
        assert_eq!(p.changes[0].decision, ChangeDecision::AutoApproved);
        assert_eq!(p.changes[1].decision, ChangeDecision::Rejected);
        assert_eq!(p.counts(), (1, 1, 0));
    }

    #[test]
    fn bad_decisions_name_the_field() {
        let mut p = proposal(vec![change("c1", ChangeKind::Budget, Some(100), json!(120))]);
        let unknown = DecisionInput {
            decision: Verdict::Approve,
            change_ids: Some(vec!["c9".into()]),
            note: None,
        };
        match p.decide(&unknown, "owner", t("2026-12-05T11:00:00Z")) {
            Err(DecideError::Invalid(e)) => {
                assert_eq!(e.get("change_ids"), Some("no change 'c9' in this proposal"))
            }
            other => panic!("expected invalid, got {other:?}"),
        }
        let reject_some = DecisionInput {
            decision: Verdict::Reject,
            change_ids: Some(vec!["c1".into()]),
            note: None,
        };
        assert!(matches!(
            p.decide(&reject_some, "owner", t("2026-12-05T11:00:00Z")),
            Err(DecideError::Invalid(_))
        ));
        assert_eq!(p.status, ProposalStatus::Pending, "nothing changed");
        assert_eq!("Approve".parse::<Verdict>(), Ok(Verdict::Approve));
        assert!("maybe".parse::<Verdict>().is_err());
    }

    #[test]
    fn a_proposal_expires_and_cannot_be_approved_after() {
        let mut p = proposal(vec![change("c1", ChangeKind::Budget, Some(100), json!(120))]);
        let late = t("2026-12-07T10:00:00Z");
        assert!(!p.is_expired(t("2026-12-07T09:59:59Z")));
        assert!(p.is_expired(late));
        let input = DecisionInput {
            decision: Verdict::Approve,
            change_ids: None,
            note: None,
        };
        assert!(matches!(
            p.decide(&input, "owner", late),
            Err(DecideError::NotPending(_))
        ));
        p.expire(late);
        assert_eq!(p.status, ProposalStatus::Expired);
        assert_eq!(p.changes[0].decision, ChangeDecision::Expired);
        assert_eq!(p.decided_by.as_deref(), Some("expiry"));
        assert_eq!(p.summary(), "Proposal expired: 1 change(s) not applied");
    }

    #[test]
    fn policies_validate_and_default_to_propose() {
        let p: ApprovalPolicy = serde_json::from_value(json!({})).expect("defaults");
        assert_eq!(p, ApprovalPolicy::default());
        assert_eq!(p.mode, ApprovalMode::Propose);
        let mut errors = FieldErrors::new();
        ApprovalPolicy {
            mode: ApprovalMode::Propose,
            auto_approve_under_pct: Some(0.0),
            expires_after_hours: 0,
        }
        .validate(&mut errors);
        assert!(errors.get("approval.auto_approve_under_pct").is_some());
        assert!(errors.get("approval.expires_after_hours").is_some());
        assert!(serde_json::from_value::<ApprovalPolicy>(json!({"mode": "sometimes"})).is_err());
    }

    #[test]
    fn expiry_is_hours_later() {
        assert_eq!(expiry(t("2026-12-05T10:00:00Z"), 48), t("2026-12-07T10:00:00Z"));
    }
}
