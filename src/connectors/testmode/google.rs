//! Google Ads answers: GoogleAdsRow objects (lowerCamelCase, int64 as strings, micros) and
//! mutate responses naming the resources changed.

use super::{ConnectorError, Dated, TestAccount, TestCampaign, int, range, text};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

const MAX_DAYS: i64 = 366;

pub fn call(a: &mut TestAccount, tool: &str, p: &Value, today: NaiveDate) -> Result<Value, ConnectorError> {
    match tool {
        "get_account_info" => Ok(json!({"customer": {
            "resourceName": format!("customers/{}", a.account_id),
            "id": a.account_id,
            "descriptiveName": a.name,
            "currencyCode": a.currency.as_str(),
            "timeZone": a.time_zone
        }})),
        "list_campaigns" => {
            let status = text(p, "status");
            let results: Vec<Value> = a
                .campaigns
                .iter()
                .filter(|c| status.is_none_or(|s| c.current_status() == s))
                .map(|c| campaign_row(a, c))
                .collect();
            Ok(results_answer(
                results,
                "campaign.resourceName,campaign.id,campaign.name,campaign.status,campaign.advertisingChannelType,campaign.startDate,campaign.endDate,campaign.campaignBudget,campaignBudget.resourceName,campaignBudget.amountMicros",
            ))
        }
        "create_campaign" => {
            let start = match text(p, "start_date") {
                Some(_) => super::date(p, "start_date")?,
                None => today,
            };
            let end = match text(p, "end_date") {
                Some(_) => Some(super::date(p, "end_date")?),
                None => None,
            };
            if end.is_some_and(|e| e < start) {
                return Err(ConnectorError::invalid(
                    "params.end_date",
                    "must not be before start_date",
                ));
            }
            let id = a.next_id("campaign");
            let budget_id = a.next_id("budget");
            let name = text(p, "name").unwrap_or_default().to_owned();
            let status = text(p, "status").unwrap_or("PAUSED");
            a.campaigns.push(TestCampaign {
                id: id.clone(),
                name: name.clone(),
                kind: text(p, "advertising_channel_type").unwrap_or("SEARCH").to_owned(),
                status: vec![Dated {
                    from: start.max(today),
                    value: status.to_owned(),
                }],
                budget_micros: vec![Dated {
                    from: start.max(today),
                    value: int(p, "budget_micros").unwrap_or(0),
                }],
                start_date: start,
                end_date: end,
                budget_id: budget_id.clone(),
            });
            let mut r = super::Rng::for_parts(a.seed, &["children", &id]);
            a.add_children(&id, &name, &mut r);
            Ok(json!({"mutateOperationResponses": [
                {"campaignBudgetResult": {"resourceName": budget_name(a, &budget_id)}},
                {"campaignResult": {"resourceName": campaign_name(a, &id)}}
            ]}))
        }
        "update_campaign" => {
            let id = text(p, "campaign_id").unwrap_or_default().to_owned();
            let mut responses = Vec::new();
            let c = a.campaign_mut(&id)?;
            if let Some(name) = text(p, "name") {
                c.name = name.to_owned();
            }
            if let Some(status) = text(p, "status") {
                c.status.push(Dated {
                    from: today,
                    value: status.to_owned(),
                });
            }
            let budget_id = c.budget_id.clone();
            if let Some(budget) = int(p, "budget_micros") {
                c.budget_micros.push(Dated {
                    from: today,
                    value: budget,
                });
                responses.push(json!({"campaignBudgetResult": {"resourceName": budget_name(a, &budget_id)}}));
            }
            responses.push(json!({"campaignResult": {"resourceName": campaign_name(a, &id)}}));
            Ok(json!({"mutateOperationResponses": responses}))
        }
        "list_ad_groups" => {
            let campaign = text(p, "campaign_id");
            let status = text(p, "status");
            if let Some(id) = campaign {
                a.campaign(id)?;
            }
            let results: Vec<Value> = a
                .ad_groups
                .iter()
                .filter(|g| campaign.is_none_or(|c| g.campaign_id == c))
                .filter(|g| status.is_none_or(|s| g.status == s))
                .map(|g| {
                    let mut group = json!({
                        "resourceName": format!("customers/{}/adGroups/{}", a.account_id, g.id),
                        "id": g.id,
                        "name": g.name,
                        "status": g.status,
                        "campaign": campaign_name(a, &g.campaign_id)
                    });
                    if let Some(bid) = g.bid_micros {
                        group["cpcBidMicros"] = json!(bid.to_string());
                    }
                    json!({"adGroup": group, "campaign": {"resourceName": campaign_name(a, &g.campaign_id), "id": g.campaign_id}})
                })
                .collect();
            Ok(results_answer(
                results,
                "adGroup.resourceName,adGroup.id,adGroup.name,adGroup.status,adGroup.campaign,adGroup.cpcBidMicros,campaign.id",
            ))
        }
        "update_ad_group" => {
            let id = text(p, "ad_group_id").unwrap_or_default().to_owned();
            let account_id = a.account_id.clone();
            let g = a.ad_group_mut(&id, "ad group")?;
            if let Some(name) = text(p, "name") {
                g.name = name.to_owned();
            }
            if let Some(status) = text(p, "status") {
                g.status = status.to_owned();
            }
            if let Some(bid) = int(p, "cpc_bid_micros") {
                g.bid_micros = Some(bid);
            }
            Ok(json!({"mutateOperationResponses": [
                {"adGroupResult": {"resourceName": format!("customers/{account_id}/adGroups/{id}")}}
            ]}))
        }
        "list_ads" => {
            let campaign = text(p, "campaign_id");
            let group = text(p, "ad_group_id");
            let results: Vec<Value> = a
                .ads
                .iter()
                .filter(|ad| campaign.is_none_or(|c| ad.campaign_id == c))
                .filter(|ad| group.is_none_or(|g| ad.ad_group_id == g))
                .map(|ad| {
                    json!({"adGroupAd": {
                        "resourceName": format!("customers/{}/adGroupAds/{}~{}", a.account_id, ad.ad_group_id, ad.id),
                        "status": ad.status,
                        "adGroup": format!("customers/{}/adGroups/{}", a.account_id, ad.ad_group_id),
                        "ad": {
                            "id": ad.id,
                            "name": ad.name,
                            "type": "RESPONSIVE_SEARCH_AD",
                            "finalUrls": [ad.final_url],
                            "responsiveSearchAd": {"headlines": [{"text": ad.headline}]}
                        }
                    }})
                })
                .collect();
            Ok(results_answer(
                results,
                "adGroupAd.resourceName,adGroupAd.status,adGroupAd.adGroup,adGroupAd.ad",
            ))
        }
        "get_campaign_performance" => {
            let (from, to) = range(p, "start_date", "end_date", MAX_DAYS)?;
            let only = text(p, "campaign_id");
            if let Some(id) = only {
                a.campaign(id)?;
            }
            let mut results = Vec::new();
            for c in a.campaigns.iter().filter(|c| only.is_none_or(|id| c.id == id)) {
                for day in from.iter_days().take_while(|d| *d <= to) {
                    if let Some(m) = a.day_metrics(c, day, today) {
                        results.push(json!({
                            "campaign": {"resourceName": campaign_name(a, &c.id), "id": c.id, "name": c.name},
                            "segments": {"date": crate::time::date_text(day)},
                        }));
                        if let Some(row) = results.last_mut().and_then(Value::as_object_mut) {
                            row.insert("metrics".into(), metrics(&m));
                        }
                    }
                }
            }
            Ok(results_answer(
                results,
                "campaign.resourceName,campaign.id,campaign.name,segments.date,metrics.impressions,metrics.clicks,metrics.costMicros,metrics.conversions,metrics.conversionsValue,metrics.ctr,metrics.averageCpc",
            ))
        }
        other => Err(ConnectorError::UnknownTool {
            platform: a.platform,
            name: other.to_owned(),
        }),
    }
}

/// A search answer: its rows (moved in, not copied) and the field mask they were read with.
fn results_answer(results: Vec<Value>, field_mask: &str) -> Value {
    super::object([
        ("results", Value::Array(results)),
        ("fieldMask", Value::String(field_mask.to_owned())),
    ])
}

fn campaign_name(a: &TestAccount, id: &str) -> String {
    format!("customers/{}/campaigns/{id}", a.account_id)
}

fn budget_name(a: &TestAccount, id: &str) -> String {
    format!("customers/{}/campaignBudgets/{id}", a.account_id)
}

fn campaign_row(a: &TestAccount, c: &TestCampaign) -> Value {
    json!({
        "campaign": {
            "resourceName": campaign_name(a, &c.id),
            "id": c.id,
            "name": c.name,
            "status": c.current_status(),
            "advertisingChannelType": c.kind,
            "startDate": crate::time::date_text(c.start_date),
            // Google's "no end date".
            "endDate": c.end_date.map(crate::time::date_text).unwrap_or_else(|| "2037-12-30".to_owned()),
            "campaignBudget": budget_name(a, &c.budget_id)
        },
        "campaignBudget": {"resourceName": budget_name(a, &c.budget_id), "amountMicros": c.current_budget().to_string()}
    })
}

/// Proto3 JSON: int64 as strings, doubles as numbers, fields at their default left out.
fn metrics(m: &super::DayMetrics) -> Value {
    let mut out = Map::new();
    if m.impressions > 0 {
        out.insert("impressions".into(), json!(m.impressions.to_string()));
    }
    if m.clicks > 0 {
        out.insert("clicks".into(), json!(m.clicks.to_string()));
        out.insert(
            "averageCpc".into(),
            json!((m.spend_micros as f64 / m.clicks as f64).round()),
        );
    }
    if m.spend_micros > 0 {
        out.insert("costMicros".into(), json!(m.spend_micros.to_string()));
    }
    if m.conversions > 0 {
        out.insert("conversions".into(), json!(m.conversions as f64));
        let value = (m.conversion_value_micros as f64 / 10_000.0).round() / 100.0;
        out.insert("conversionsValue".into(), json!(value));
    }
    if m.impressions > 0 && m.clicks > 0 {
        out.insert("ctr".into(), json!(m.clicks as f64 / m.impressions as f64));
    }
    Value::Object(out)
}
