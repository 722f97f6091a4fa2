//! Notifications' use cases over the notification, project and execution repositories and the
//! notifier (which seals addresses, makes the test attempt and wakes its sender).

use crate::notifications::{Notifier, NotifyError};
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::notifications::{
    Channel, ChannelInput, DeliveryState, Notification, NotificationsOverview, Preview, Rule, RuleDraft,
    RuleInput,
};
use switchboard_core::ports::{ExecutionRepo, NotificationRepo, ProjectRepo};
use switchboard_core::project::ProjectChoice;
use switchboard_core::service::{NotificationService, ServiceError};
use switchboard_core::{ChannelId, ExecutionId, NotificationId, RuleId};

/// How many notifications the Integrations page shows.
const OVERVIEW_NOTIFICATIONS: u32 = 20;

impl From<NotifyError> for ServiceError {
    fn from(e: NotifyError) -> Self {
        match e {
            NotifyError::Repo(r) => r.into(),
            NotifyError::Refused(why) => ServiceError::field("url", why),
            NotifyError::Secret(m) => {
                ServiceError::internal("a channel's address could not be sealed or opened", &m)
            }
        }
    }
}

pub struct Notifications {
    pub notifier: Arc<Notifier>,
    pub notifications: Arc<dyn NotificationRepo>,
    pub projects: Arc<dyn ProjectRepo>,
    pub executions: Arc<dyn ExecutionRepo>,
}

#[async_trait]
impl NotificationService for Notifications {
    async fn overview(&self) -> Result<NotificationsOverview, ServiceError> {
        let projects = self
            .projects
            .list(&Default::default())
            .await?
            .iter()
            .map(|p| ProjectChoice::of(&p.project))
            .collect();
        Ok(NotificationsOverview {
            channels: self.notifications.channels().await?,
            rules: self.notifications.rules().await?,
            recent: self
                .notifications
                .notifications(None, None, OVERVIEW_NOTIFICATIONS)
                .await?,
            projects,
        })
    }

    async fn channels(&self) -> Result<Vec<Channel>, ServiceError> {
        Ok(self.notifications.channels().await?)
    }

    async fn channel(&self, id: &ChannelId) -> Result<Channel, ServiceError> {
        Ok(self.notifications.channel(id).await?)
    }

    async fn create_channel(&self, input: ChannelInput) -> Result<Channel, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let channel = self.notifier.create_channel(&draft).await?;
        tracing::info!(channel = %channel.id, kind = channel.kind.as_str(), "notification channel created");
        Ok(channel)
    }

    async fn replace_channel(&self, id: &ChannelId, input: ChannelInput) -> Result<Channel, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        Ok(self.notifier.update_channel(id, &draft).await?)
    }

    async fn delete_channel(&self, id: &ChannelId) -> Result<(), ServiceError> {
        Ok(self.notifications.delete_channel(id).await?)
    }

    async fn send_test(&self, id: &ChannelId) -> Result<Notification, ServiceError> {
        Ok(self.notifier.send_test(id).await?)
    }

    async fn preview(&self, id: &ChannelId, execution_id: Option<&str>) -> Result<Preview, ServiceError> {
        let channel = self.notifications.channel(id).await?;
        let notice = match execution_id.map(str::trim).filter(|s| !s.is_empty()) {
            None => self.notifier.test_notice(&channel),
            Some(text) => {
                let run = ExecutionId::parse(text)
                    .map_err(|e| ServiceError::BadRequest(format!("execution_id: {e}")))?;
                let detail = self.executions.get(&run).await?;
                self.notifier.notice_for(&detail).await
            }
        };
        Ok(Preview {
            kind: channel.kind.as_str().to_owned(),
            payload: Notifier::preview(channel.kind, &notice),
        })
    }

    async fn check_rule(&self, input: &RuleInput) -> Result<RuleDraft, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        self.notifications.channel(&draft.channel_id).await.map_err(|e| {
            ServiceError::from(e).missing_as_field(
                "channel_id",
                format!("there is no channel '{}'", draft.channel_id),
            )
        })?;
        if let Some(p) = &draft.project_id {
            self.projects.get(p).await.map_err(|e| {
                ServiceError::from(e).missing_as_field("project_id", format!("there is no project '{p}'"))
            })?;
        }
        Ok(draft)
    }

    async fn rules(&self) -> Result<Vec<Rule>, ServiceError> {
        Ok(self.notifications.rules().await?)
    }

    async fn rule(&self, id: &RuleId) -> Result<Rule, ServiceError> {
        Ok(self.notifications.rule(id).await?)
    }

    async fn create_rule(&self, input: RuleInput) -> Result<Rule, ServiceError> {
        let draft = self.check_rule(&input).await?;
        Ok(self.notifications.create_rule(&draft).await?)
    }

    async fn replace_rule(&self, id: &RuleId, input: RuleInput) -> Result<Rule, ServiceError> {
        self.notifications.rule(id).await?;
        let draft = self.check_rule(&input).await?;
        Ok(self.notifications.update_rule(id, &draft).await?)
    }

    async fn delete_rule(&self, id: &RuleId) -> Result<(), ServiceError> {
        Ok(self.notifications.delete_rule(id).await?)
    }

    async fn notifications(
        &self,
        channel: Option<&ChannelId>,
        state: Option<DeliveryState>,
        limit: u32,
    ) -> Result<Vec<Notification>, ServiceError> {
        Ok(self.notifications.notifications(channel, state, limit).await?)
    }

    async fn notification(&self, id: &NotificationId) -> Result<Notification, ServiceError> {
        Ok(self.notifications.notification(id).await?)
    }

    async fn retry(&self, id: &NotificationId) -> Result<Notification, ServiceError> {
        Ok(self.notifier.retry(id).await?)
    }
}
