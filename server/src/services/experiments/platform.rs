//! What the experiments read from and make on the platforms: the variants' days (synced campaign
//! days, Pinterest's ad analytics), the objects a test can pick, the names of ads and ad groups,
//! and the new ads a test makes from Pins.

use super::*;

impl Experiments {
    /// The project's campaign on `platform` with the platform id `external`.
    pub(super) async fn campaign(
        &self,
        project: &ProjectId,
        platform: Platform,
        external: &str,
    ) -> Result<Option<Campaign>, RepoError> {
        let page = self
            .campaigns
            .list(&CampaignQuery {
                project_id: Some(project.clone()),
                platform: Some(platform),
                search: Some(external.to_owned()),
                limit: 200,
                ..CampaignQuery::default()
            })
            .await?;
        Ok(page.items.into_iter().find(|c| c.external_id == external))
    }

    /// The variants' daily results within the experiment's days: campaigns from the synced
    /// campaign days, ads from the platform's ad analytics.
    pub(super) async fn read_days(&self, e: &Experiment) -> Result<Vec<VariantDay>, ServiceError> {
        let Some(from) = e.started_on else {
            return Ok(Vec::new());
        };
        let to = e.ended_on.unwrap_or_else(today).min(today());
        if matches!(e.level, Level::Ads | Level::AdGroups) {
            return self.ad_days(e, from, to).await;
        }
        let mut out = Vec::new();
        for v in &e.variants {
            let Some(c) = self.campaign(&e.project_id, e.platform, &v.object_id).await? else {
                continue;
            };
            for d in self.metrics.campaign_daily(&c.id, Some(from), Some(to)).await? {
                out.push(VariantDay {
                    variant: v.key.clone(),
                    date: d.date,
                    impressions: d.values.impressions,
                    clicks: d.values.clicks,
                    conversions: d.values.conversions,
                    spend_micros: d.values.spend.get().max(0),
                    revenue_micros: d.values.conversion_value.get().max(0),
                });
            }
        }
        Ok(out)
    }

    /// The project's connection to `platform` (the first, when it has several).
    pub(super) async fn connection(
        &self,
        project: &ProjectId,
        platform: Platform,
    ) -> Result<Option<ConnectionId>, ServiceError> {
        let all = self.connections.list(Some(project)).await?;
        Ok(switchboard_core::connection::first_on(&all, platform).map(|c| c.id.clone()))
    }

    /// Each variant's days from Pinterest's ad analytics (90 days back at most: older days read
    /// before are kept): an ad variant's own rows, an ad group variant's the sum of its ads'.
    pub(super) async fn ad_days(
        &self,
        e: &Experiment,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<VariantDay>, ServiceError> {
        let Some(connection) = self.connection(&e.project_id, e.platform).await? else {
            return Ok(Vec::new());
        };
        let from = from.max(to - chrono::Days::new(89));
        if from > to {
            return Ok(Vec::new());
        }
        // Which variant each ad's rows count for.
        let owner: Vec<(String, String)> = if e.level == Level::AdGroups {
            let groups: Vec<&str> = e.variants.iter().map(|v| v.object_id.as_str()).collect();
            self.listed(
                &e.project_id,
                e.platform,
                "list_ads",
                serde_json::json!({"ad_group_ids": groups, "entity_statuses": ["ACTIVE", "PAUSED", "ARCHIVED"], "page_size": 250}),
            )
            .await?
            .iter()
            .filter_map(|ad| {
                let id = ad.get("id")?.as_str()?;
                let group = ad.get("ad_group_id")?.as_str()?;
                let v = e.variants.iter().find(|v| v.object_id == group)?;
                Some((id.to_owned(), v.key.clone()))
            })
            .collect()
        } else {
            e.variants
                .iter()
                .map(|v| (v.object_id.clone(), v.key.clone()))
                .collect()
        };
        if owner.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = owner.iter().map(|(ad, _)| ad.as_str()).collect();
        let mut out: Vec<VariantDay> = Vec::new();
        for chunk in ids.chunks(250) {
            let rows = self
                .tools
                .run(
                    e.platform,
                    "get_ad_analytics",
                    &connection,
                    serde_json::json!({"ad_ids": chunk, "start_date": switchboard_core::time::date_text(from),
                        "end_date": switchboard_core::time::date_text(to), "granularity": "DAY",
                        "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS",
                                    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"]}),
                )
                .await?;
            let number = |row: &serde_json::Value, key: &str| {
                row.get(key)
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or(0.0)
                    .max(0.0)
            };
            for row in rows.as_array().map(Vec::as_slice).unwrap_or_default() {
                let ad = row
                    .get("AD_ID")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default();
                let Some((_, variant)) = owner.iter().find(|(id, _)| id == ad) else {
                    continue;
                };
                let Some(date) = row
                    .get("DATE")
                    .and_then(serde_json::Value::as_str)
                    .and_then(|d| switchboard_core::time::parse_date(d).ok())
                else {
                    continue;
                };
                let at = match out.iter().position(|d| d.variant == *variant && d.date == date) {
                    Some(at) => at,
                    None => {
                        out.push(VariantDay {
                            variant: variant.clone(),
                            date,
                            impressions: 0,
                            clicks: 0,
                            conversions: 0.0,
                            spend_micros: 0,
                            revenue_micros: 0,
                        });
                        out.len() - 1
                    }
                };
                let d = &mut out[at];
                d.impressions += number(row, "IMPRESSION_1") as u64;
                d.clicks += number(row, "CLICKTHROUGH_1") as u64;
                d.conversions += number(row, "TOTAL_CONVERSIONS");
                d.spend_micros = d
                    .spend_micros
                    .saturating_add(number(row, "SPEND_IN_MICRO_DOLLAR") as i64);
                d.revenue_micros = d
                    .revenue_micros
                    .saturating_add(number(row, "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR") as i64);
            }
        }
        Ok(out)
    }

    /// The `items` a list tool answers on the project's `platform` connection (none without one).
    pub(super) async fn listed(
        &self,
        project: &ProjectId,
        platform: Platform,
        tool: &str,
        params: serde_json::Value,
    ) -> Result<Vec<serde_json::Value>, ServiceError> {
        let Some(connection) = self.connection(project, platform).await? else {
            return Ok(Vec::new());
        };
        let page = self.tools.run(platform, tool, &connection, params).await?;
        Ok(page
            .get("items")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// The ads or ad groups (by `level`) of the project's `platform` account with these ids: id
    /// to name.
    pub(super) async fn named(
        &self,
        project: &ProjectId,
        platform: Platform,
        level: Level,
        ids: &[&str],
    ) -> Result<Vec<(String, String)>, ServiceError> {
        let (tool, key) = match level {
            Level::AdGroups => ("list_ad_groups", "ad_group_ids"),
            _ => ("list_ads", "ad_ids"),
        };
        let items = self
            .listed(
                project,
                platform,
                tool,
                serde_json::json!({key: ids, "entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250}),
            )
            .await?;
        Ok(items
            .iter()
            .filter_map(|ad| {
                let id = ad.get("id")?.as_str()?.to_owned();
                let name = ad
                    .get("name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(&id)
                    .to_owned();
                Some((id, name))
            })
            .collect())
    }

    /// Pinterest's ads with their ad group's id and their delivery over `[from, to]` (per day).
    pub(super) async fn ad_objects(
        &self,
        project: &ProjectId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, ExperimentObject)>, ServiceError> {
        let platform = Platform::Pinterest;
        let statuses = serde_json::json!({"entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250});
        let ads = self
            .listed(project, platform, "list_ads", statuses.clone())
            .await?;
        let Some(connection) = self
            .connection(project, platform)
            .await?
            .filter(|_| !ads.is_empty())
        else {
            return Ok(Vec::new());
        };
        let groups = self.listed(project, platform, "list_ad_groups", statuses).await?;
        let text = |v: &serde_json::Value, k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let ids: Vec<String> = ads.iter().map(|a| text(a, "id")).collect();
        let totals = self
            .tools
            .run(
                platform,
                "get_ad_analytics",
                &connection,
                serde_json::json!({"ad_ids": ids, "start_date": switchboard_core::time::date_text(from),
                       "end_date": switchboard_core::time::date_text(to), "granularity": "TOTAL",
                       "columns": ["IMPRESSION_1", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS"]}),
            )
            .await?;
        let totals = totals.as_array().cloned().unwrap_or_default();
        let days = (to - from).num_days().max(0) as f64 + 1.0;
        Ok(ads
            .iter()
            .map(|a| {
                let id = text(a, "id");
                let sum = |k: &str| {
                    totals
                        .iter()
                        .filter(|r| r.get("AD_ID").and_then(serde_json::Value::as_str) == Some(id.as_str()))
                        .filter_map(|r| r.get(k).and_then(serde_json::Value::as_f64))
                        .sum::<f64>()
                        / days
                };
                let group_id = text(a, "ad_group_id");
                let group = groups
                    .iter()
                    .find(|g| text(g, "id") == group_id)
                    .map(|g| text(g, "name"))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| group_id.clone());
                let object = ExperimentObject {
                    daily_impressions: sum("IMPRESSION_1"),
                    daily_clicks: sum("CLICKTHROUGH_1"),
                    daily_conversions: sum("TOTAL_CONVERSIONS"),
                    active: text(a, "status") == "ACTIVE",
                    name: Some(text(a, "name"))
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| id.clone()),
                    id,
                    group: Some(group),
                    group_id: Some(group_id.clone()),
                };
                (group_id, object)
            })
            .collect())
    }

    /// Makes the new ads a test asks for (a Pin each, promoted in the control's ad group, delivering
    /// at once) through Pinterest's `create_ads`: answers each new ad's variant position, id and
    /// name. A Pin the platform refuses is named in the error (the ads already made stay, paused
    /// by nobody: they are listed in the log).
    pub(super) async fn make_ads(
        &self,
        input: &NewExperiment,
    ) -> Result<Vec<(usize, String, String)>, ServiceError> {
        let Some(connection) = self.connection(&input.project_id, input.platform).await? else {
            return Err(ServiceError::field(
                "platform",
                format!(
                    "this project has no {} connection to make the ads on",
                    input.platform.label()
                ),
            ));
        };
        let control = input
            .variants
            .iter()
            .find(|v| v.control)
            .and_then(NewVariant::object_id)
            .ok_or_else(|| ServiceError::field("variants", "the control must be an existing ad"))?;
        let listed = self
            .listed(
                &input.project_id,
                input.platform,
                "list_ads",
                serde_json::json!({"ad_ids": [control], "entity_statuses": ["ACTIVE", "PAUSED"]}),
            )
            .await?;
        let group = listed
            .first()
            .and_then(|ad| ad.get("ad_group_id"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                ServiceError::field("variants", format!("the control ad '{control}' has no ad group"))
            })?
            .to_owned();
        let wanted: Vec<(usize, &str, Option<&str>)> = input
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match &v.object {
                VariantObject::NewAd { pin_id } => Some((i, pin_id.as_str(), v.name.as_deref())),
                VariantObject::Existing(_) => None,
            })
            .collect();
        let items: Vec<serde_json::Value> = wanted
            .iter()
            .map(|(_, pin, name)| {
                let mut item = serde_json::json!({"ad_group_id": group, "pin_id": pin, "creative_type": "REGULAR", "status": "ACTIVE"});
                if let Some(n) = name {
                    item["name"] = serde_json::json!(n);
                }
                item
            })
            .collect();
        let answer = self
            .tools
            .run(
                input.platform,
                "create_ads",
                &connection,
                serde_json::json!({"items": items}),
            )
            .await?;
        let answered = answer
            .get("items")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut made = Vec::new();
        let mut errors = FieldErrors::new();
        for ((i, pin, _), item) in wanted
            .iter()
            .zip(answered.iter().chain(std::iter::repeat(&serde_json::Value::Null)))
        {
            match item.pointer("/data/id").and_then(serde_json::Value::as_str) {
                Some(id) => {
                    let name = item
                        .pointer("/data/name")
                        .and_then(serde_json::Value::as_str)
                        .filter(|n| !n.is_empty())
                        .map_or_else(|| format!("Pin {pin}"), str::to_owned);
                    tracing::info!(ad = id, pin, "a new ad was made for an experiment");
                    made.push((*i, id.to_owned(), name));
                }
                None => {
                    let why = item
                        .pointer("/exceptions/message")
                        .or_else(|| item.pointer("/exceptions/0/message"))
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("refused");
                    errors.add(
                        &format!("variants[{i}].pin_id"),
                        format!("Pinterest did not make the ad: {why}"),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(made)
    }

    pub(super) async fn objects_at(
        &self,
        project: &ProjectId,
        platform: Platform,
        level: Level,
    ) -> Result<Vec<ExperimentObject>, ServiceError> {
        if let Err(RepoError::NotFound { .. }) = self.projects.get(project).await {
            return Err(ServiceError::field(
                "project_id",
                format!("no project '{project}'"),
            ));
        }
        let to = today() - chrono::Days::new(1);
        let from = to - chrono::Days::new(u64::from(OBJECT_DAYS - 1));
        let per_day = |x: f64| x / f64::from(OBJECT_DAYS);
        let mut out = Vec::new();
        match (level, platform) {
            (Level::Campaigns, _) => {
                let page = self
                    .campaigns
                    .list(&CampaignQuery {
                        project_id: Some(project.clone()),
                        platform: Some(platform),
                        limit: 200,
                        ..CampaignQuery::default()
                    })
                    .await?;
                for c in page.items {
                    let days = self.metrics.campaign_daily(&c.id, Some(from), Some(to)).await?;
                    let sum = |f: &dyn Fn(&switchboard_core::metrics::MetricValues) -> f64| {
                        days.iter().map(|d| f(&d.values)).sum::<f64>()
                    };
                    out.push(ExperimentObject {
                        daily_impressions: per_day(sum(&|v| v.impressions as f64)),
                        daily_clicks: per_day(sum(&|v| v.clicks as f64)),
                        daily_conversions: per_day(sum(&|v| v.conversions)),
                        active: c.status == switchboard_core::campaign::CampaignStatus::Active,
                        id: c.external_id,
                        name: c.name,
                        group: None,
                        group_id: None,
                    });
                }
            }
            (Level::Ads, Platform::Pinterest) => {
                out = self
                    .ad_objects(project, from, to)
                    .await?
                    .into_iter()
                    .map(|(_, o)| o)
                    .collect();
            }
            (Level::AdGroups, Platform::Pinterest) => {
                let ads = self.ad_objects(project, from, to).await?;
                let groups = self
                    .listed(
                        project,
                        platform,
                        "list_ad_groups",
                        serde_json::json!({"entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250}),
                    )
                    .await?;
                for g in &groups {
                    let text = |k: &str| g.get(k).and_then(serde_json::Value::as_str).unwrap_or_default();
                    let id = text("id").to_owned();
                    let mine = ads.iter().filter(|(group, _)| *group == id).map(|(_, o)| o);
                    let (mut i, mut c, mut v) = (0.0, 0.0, 0.0);
                    for o in mine {
                        (i, c, v) = (
                            i + o.daily_impressions,
                            c + o.daily_clicks,
                            v + o.daily_conversions,
                        );
                    }
                    out.push(ExperimentObject {
                        name: Some(text("name").to_owned())
                            .filter(|n| !n.is_empty())
                            .unwrap_or_else(|| id.clone()),
                        active: text("status") == "ACTIVE",
                        id,
                        group: None,
                        group_id: None,
                        daily_impressions: i,
                        daily_clicks: c,
                        daily_conversions: v,
                    });
                }
            }
            (_, _) => {
                return Err(ServiceError::field(
                    "level",
                    "ads and ad groups can be tested on Pinterest; on Google and Meta, test campaigns",
                ));
            }
        }
        // Delivering first, then the busiest.
        out.sort_by(|a, b| {
            b.active
                .cmp(&a.active)
                .then(b.daily_impressions.total_cmp(&a.daily_impressions))
        });
        Ok(out)
    }
}
