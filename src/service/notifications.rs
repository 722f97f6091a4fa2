//! Notifications: channels (Discord, Slack, email), the rules that route events to them, and the
//! outbox of notifications.

use super::ServiceError;
use crate::ids::{ChannelId, NotificationId, RuleId};
use crate::notifications::{
    Channel, ChannelInput, DeliveryState, Notification, NotificationsOverview, Preview, Rule, RuleDraft,
    RuleInput,
};
use async_trait::async_trait;

#[async_trait]
pub trait NotificationService: Send + Sync {
    /// The Integrations page's notifications: channels, rules, the 20 latest notifications and
    /// the projects.
    async fn overview(&self) -> Result<NotificationsOverview, ServiceError>;

    async fn channels(&self) -> Result<Vec<Channel>, ServiceError>;
    async fn channel(&self, id: &ChannelId) -> Result<Channel, ServiceError>;
    /// Checks the input and the address (one the outbound client refuses is an error about
    /// `url`), then stores the channel with its address sealed.
    async fn create_channel(&self, input: ChannelInput) -> Result<Channel, ServiceError>;
    /// Replaces every setting of a channel, checked as on creation.
    async fn replace_channel(&self, id: &ChannelId, input: ChannelInput) -> Result<Channel, ServiceError>;
    /// Removes a channel, its rules and its queued notifications.
    async fn delete_channel(&self, id: &ChannelId) -> Result<(), ServiceError>;
    /// Sends a test message now; the notification as it stands after the attempt.
    async fn send_test(&self, id: &ChannelId) -> Result<Notification, ServiceError>;
    /// The message the channel would get for the run `execution_id` (as if it had just ended), or
    /// its test message. A run id that does not parse is a bad request.
    async fn preview(&self, id: &ChannelId, execution_id: Option<&str>) -> Result<Preview, ServiceError>;

    /// Checks a rule's input; a channel or project it names that does not exist is an error about
    /// that field.
    async fn check_rule(&self, input: &RuleInput) -> Result<RuleDraft, ServiceError>;
    async fn rules(&self) -> Result<Vec<Rule>, ServiceError>;
    async fn rule(&self, id: &RuleId) -> Result<Rule, ServiceError>;
    async fn create_rule(&self, input: RuleInput) -> Result<Rule, ServiceError>;
    async fn replace_rule(&self, id: &RuleId, input: RuleInput) -> Result<Rule, ServiceError>;
    async fn delete_rule(&self, id: &RuleId) -> Result<(), ServiceError>;

    /// The latest notifications, newest first, of one channel or state when given.
    async fn notifications(
        &self,
        channel: Option<&ChannelId>,
        state: Option<DeliveryState>,
        limit: u32,
    ) -> Result<Vec<Notification>, ServiceError>;
    async fn notification(&self, id: &NotificationId) -> Result<Notification, ServiceError>;
    /// Queues a notification again (a dead one gets its attempts back) and wakes the sender.
    async fn retry(&self, id: &NotificationId) -> Result<Notification, ServiceError>;
}
