//! The Integrations page's notifications: channels, rules, and what became of each notification.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_core::notify::{Channel, Notification, Rule};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationsOverview {
    pub channels: Vec<Channel>,
    pub rules: Vec<Rule>,
    pub recent: Vec<Notification>,
    pub projects: Vec<ProjectOption>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    pub fn services() -> Result<switchboard_core::ports::Services, AppError> {
        use_context::<switchboard_core::ports::Services>().ok_or(AppError::Internal)
    }

    pub fn hub() -> Result<std::sync::Arc<dyn super::super::integrations::IntegrationHub>, AppError> {
        use_context::<std::sync::Arc<dyn super::super::integrations::IntegrationHub>>()
            .ok_or(AppError::Internal)
    }

    pub fn channel_id(id: &str) -> Result<switchboard_core::ChannelId, AppError> {
        switchboard_core::ChannelId::parse(id)
            .map_err(|_| AppError::NotFound(format!("channel '{id}' was not found")))
    }
}

#[server]
pub async fn get_notifications() -> Result<NotificationsOverview, AppError> {
    super::ssr::respond(
        async move {
            let s = ssr::services()?;
            let projects = s
                .projects
                .list(&Default::default())
                .await?
                .into_iter()
                .map(|p| ProjectOption {
                    id: p.project.id.to_string(),
                    name: p.project.name,
                })
                .collect();
            Ok(NotificationsOverview {
                channels: s.notifications.channels().await?,
                rules: s.notifications.rules().await?,
                recent: s.notifications.notifications(None, None, 20).await?,
                projects,
            })
        }
        .await,
    )
    .await
}

/// `to`: email recipients, separated by commas.
#[server]
pub async fn create_channel(
    name: String,
    kind: String,
    url: Option<String>,
    to: Option<String>,
) -> Result<Channel, AppError> {
    super::ssr::respond(
        async move {
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
            let input = switchboard_core::notify::ChannelInput {
                name,
                kind,
                url,
                to,
                active: None,
            };
            let draft = input.validate().map_err(AppError::Validation)?;
            ssr::hub()?.create_channel(&draft).await
        }
        .await,
    )
    .await
}

#[server]
pub async fn delete_channel(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            ssr::services()?
                .notifications
                .delete_channel(&ssr::channel_id(&id)?)
                .await?;
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn send_test_notification(id: String) -> Result<Notification, AppError> {
    super::ssr::respond(async move { ssr::hub()?.send_test(&ssr::channel_id(&id)?).await }.await).await
}

#[server]
pub async fn retry_notification(id: String) -> Result<Notification, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::NotificationId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("notification '{id}' was not found")))?;
            ssr::hub()?.retry_notification(&id).await
        }
        .await,
    )
    .await
}

/// A rule from the page's form: the two run events are checkboxes.
#[server]
pub async fn create_rule(
    name: String,
    channel_id: String,
    project_id: Option<String>,
    on_completed: Option<String>,
    on_failed: Option<String>,
) -> Result<Rule, AppError> {
    super::ssr::respond(
        async move {
            let mut events = Vec::new();
            if on_completed.is_some() {
                events.push("execution.completed".to_owned());
            }
            if on_failed.is_some() {
                events.push("execution.failed".to_owned());
            }
            let draft = switchboard_core::notify::RuleInput {
                name,
                project_id,
                events,
                channel_id,
                active: None,
            }
            .validate()
            .map_err(AppError::Validation)?;
            let s = ssr::services()?;
            s.notifications.channel(&draft.channel_id).await?;
            if let Some(p) = &draft.project_id {
                s.projects.get(p).await?;
            }
            Ok(s.notifications.create_rule(&draft).await?)
        }
        .await,
    )
    .await
}

#[server]
pub async fn delete_rule(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::RuleId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("rule '{id}' was not found")))?;
            ssr::services()?.notifications.delete_rule(&id).await?;
            Ok(())
        }
        .await,
    )
    .await
}
