mod campaign_page;
mod campaign_rows;
mod campaigns_page;

pub use campaign_page::CampaignPage;
pub use campaign_rows::CampaignRows;
pub use campaigns_page::CampaignsPage;
