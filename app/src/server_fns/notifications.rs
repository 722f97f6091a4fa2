//! The Integrations page's notifications: channels, rules, and what became of each notification.

use crate::error::AppError;
use leptos::prelude::*;
pub use switchboard_core::notifications::NotificationsOverview;
use switchboard_core::notifications::{Channel, Notification, Rule};
pub use switchboard_core::project::ProjectChoice;

#[cfg(feature = "ssr")]
fn channel_id(id: &str) -> Result<switchboard_core::ChannelId, AppError> {
    switchboard_core::ChannelId::parse(id)
        .map_err(|_| AppError::NotFound(format!("channel '{id}' was not found")))
}

#[server]
pub async fn get_notifications() -> Result<NotificationsOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.notifications.overview().await?) }.await)
        .await
}

/// `to`: email recipients, separated by commas. Without JavaScript, what was typed waits for the
/// page in the flash store when the form answers an error, except the address (a Discord or Slack
/// address carries its token).
#[server]
pub async fn create_channel(
    name: String,
    kind: String,
    url: Option<String>,
    to: Option<String>,
) -> Result<Channel, AppError> {
    use super::flash::{FlashScope, TypedForm, ssr::after};
    let typed = TypedForm::new(
        "new-channel",
        &[
            ("name", Some(&name)),
            ("kind", Some(&kind)),
            ("to", to.as_deref()),
        ],
    );
    let result = async move {
        // The form shows both fields; the kind says which one counts.
        let email = kind.trim() == "email";
        let to = to.filter(|t| email && !t.trim().is_empty()).map(|t| {
            t.split([',', ';', '\n'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        });
        let url = url.filter(|u| !email && !u.trim().is_empty());
        let input = switchboard_core::notifications::ChannelInput {
            name,
            kind,
            url,
            to,
            active: None,
        };
        Ok(super::ssr::services()?
            .notifications
            .create_channel(input)
            .await?)
    }
    .await;
    after(FlashScope::Notifications, &result, |_| None, || typed);
    super::ssr::respond(result).await
}

#[server]
pub async fn delete_channel(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = channel_id(&id)?;
            Ok(super::ssr::services()?.notifications.delete_channel(&id).await?)
        }
        .await,
    )
    .await
}

/// Without JavaScript, what became of the test message waits for the page in the flash store.
#[server]
pub async fn send_test_notification(id: String) -> Result<Notification, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let result = async move {
        let id = channel_id(&id)?;
        Ok(super::ssr::services()?.notifications.send_test(&id).await?)
    }
    .await;
    after(
        FlashScope::Notifications,
        &result,
        |n| Some(Flash::TestNotification(Box::new(n.clone()))),
        TypedForm::default,
    );
    super::ssr::respond(result).await
}

#[server]
pub async fn retry_notification(id: String) -> Result<Notification, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::NotificationId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("notification '{id}' was not found")))?;
            Ok(super::ssr::services()?.notifications.retry(&id).await?)
        }
        .await,
    )
    .await
}

/// A rule from the page's form: the run events and an A/B test's winner are checkboxes. Without JavaScript, what was
/// typed waits for the page in the flash store when the form answers an error.
#[server]
pub async fn create_rule(
    name: String,
    channel_id: String,
    project_id: Option<String>,
    on_completed: Option<String>,
    on_failed: Option<String>,
    #[server(default)] on_ab_winner: Option<String>,
) -> Result<Rule, AppError> {
    use super::flash::{FlashScope, TypedForm, ssr::after};
    let typed = TypedForm::new(
        "new-rule",
        &[
            ("name", Some(&name)),
            ("channel_id", Some(&channel_id)),
            ("project_id", project_id.as_deref()),
            ("on_completed", on_completed.as_deref()),
            ("on_failed", on_failed.as_deref()),
            ("on_ab_winner", on_ab_winner.as_deref()),
        ],
    );
    let result = async move {
        let mut events = Vec::new();
        if on_completed.is_some() {
            events.push("execution.completed".to_owned());
        }
        if on_failed.is_some() {
            events.push("execution.failed".to_owned());
        }
        if on_ab_winner.is_some() {
            events.push("ab_test.winner".to_owned());
        }
        let input = switchboard_core::notifications::RuleInput {
            name,
            project_id,
            events,
            channel_id,
            active: None,
        };
        Ok(super::ssr::services()?.notifications.create_rule(input).await?)
    }
    .await;
    after(FlashScope::Notifications, &result, |_| None, || typed);
    super::ssr::respond(result).await
}

#[server]
pub async fn delete_rule(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::RuleId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("rule '{id}' was not found")))?;
            Ok(super::ssr::services()?.notifications.delete_rule(&id).await?)
        }
        .await,
    )
    .await
}
