//! Applying a winner: the project's "Apply A/B test winners" workflow, the run that applies it,
//! and what the experiment says when that run ends.

use super::*;

/// The template id that marks a project's workflow that applies A/B test winners.
const APPLY_TEMPLATE: &str = "apply_experiment";

impl Experiments {
    /// The project's workflow that applies winners (a SocialMediaBuyer stage applying the run's
    /// `experiment_id`, changes made at once), made on first use.
    pub(super) async fn apply_workflow(
        &self,
        project: &ProjectId,
    ) -> Result<switchboard_core::workflow::Workflow, ServiceError> {
        if let Some(w) = self
            .workflows
            .list(Some(project))
            .await?
            .into_iter()
            .find(|w| w.template_id.as_deref() == Some(APPLY_TEMPLATE))
        {
            return Ok(w);
        }
        use switchboard_core::approval::{ApprovalMode, ApprovalPolicy};
        use switchboard_core::workflow::{Agent, StageDef, Trigger, WorkflowDraft};
        let draft = WorkflowDraft {
            project_id: Some(project.clone()),
            name: "Apply A/B test winners".to_owned(),
            description: Some(
                "Started by an experiment's Apply (or its auto-apply): pauses the losing variants and moves their \
                 daily budget to the winner. Changes are made at once; set the approval to propose to review them first."
                    .to_owned(),
            ),
            trigger: Trigger::Manual,
            schedule: None,
            stages: vec![StageDef {
                id: "apply".to_owned(),
                name: "Apply the winner".to_owned(),
                agent: Agent::SocialMediaBuyer,
                action: "apply_experiment".to_owned(),
                params: serde_json::json!({}),
            }],
            approval: ApprovalPolicy {
                mode: ApprovalMode::Auto,
                ..ApprovalPolicy::default()
            },
            template_id: Some(APPLY_TEMPLATE.to_owned()),
        };
        Ok(self.workflows.create(draft, "system").await?)
    }

    /// Starts (or finds going, or finds done) the run that applies `e`'s winner.
    pub(super) async fn start_apply(&self, mut e: Experiment, who: &str) -> Result<Experiment, ServiceError> {
        match e.status {
            ExperimentStatus::Applied => return Ok(e),
            ExperimentStatus::Decided if e.winner.is_some() => {}
            ExperimentStatus::Decided => {
                return Err(ServiceError::Conflict(format!(
                    "experiment '{}' was decided without a winner (no difference): there is nothing to apply",
                    e.id
                )));
            }
            _ => return Err(conflict(&e, "applied (it has no winner yet)")),
        }
        if let Some(run) = &e.applied_by {
            match self.executions.get(run).await {
                Ok(d) if !d.execution.status.is_terminal() => return Ok(e),
                Ok(d) if d.execution.status == switchboard_core::execution::ExecutionStatus::Completed => {
                    self.ended(&mut e, &d).await?;
                    return Ok(e);
                }
                Ok(_) | Err(RepoError::NotFound { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let workflow = self.apply_workflow(&e.project_id).await?;
        let input = serde_json::json!({"trigger": "experiment", "experiment_id": e.id, "by": who});
        let run = self
            .engine
            .start(&workflow.id, Some(&e.project_id), input, false)
            .await?;
        e.applied_by = Some(run.id.clone());
        let applying = entry(
            "applying",
            format!("Apply started by {who}: run {}.", run.id),
            e.winner.clone(),
            None,
        );
        self.save_noting(&mut e, applying).await?;
        tracing::info!(experiment = %e.id, run = %run.id, who, "applying the winner");
        Ok(e)
    }

    /// Writes what an apply's ended run came to.
    pub(super) async fn ended(
        &self,
        e: &mut Experiment,
        run: &switchboard_core::execution::ExecutionDetail,
    ) -> Result<(), ServiceError> {
        use switchboard_core::execution::ExecutionStatus;
        if e.status != ExperimentStatus::Decided || e.applied_by.as_ref() != Some(&run.execution.id) {
            return Ok(());
        }
        let said = run
            .stages
            .iter()
            .find_map(|s| s.output.as_ref()?.get("summary")?.as_str().map(str::to_owned));
        match run.execution.status {
            ExecutionStatus::Completed => {
                e.status = ExperimentStatus::Applied;
                let message = format!(
                    "Applied by run {}: {}.",
                    run.execution.id,
                    said.unwrap_or_else(|| "done".to_owned()).trim_end_matches('.')
                );
                let applied = entry("applied", message, e.winner.clone(), None);
                self.save_noting(e, applied).await?;
                tracing::info!(experiment = %e.id, run = %run.execution.id, "winner applied");
            }
            status if status.is_terminal() => {
                let told = self
                    .experiments
                    .history(&e.id, 1)
                    .await?
                    .first()
                    .is_some_and(|l| {
                        l.state == "apply_failed" && l.message.contains(run.execution.id.as_str())
                    });
                if told {
                    return Ok(());
                }
                let why = run
                    .execution
                    .error
                    .clone()
                    .unwrap_or_else(|| status.as_str().to_owned());
                self.experiments
                    .add_entry(
                        &e.id,
                        &entry(
                            "apply_failed",
                            format!(
                                "The apply run {} ended {}: {why}. Apply again to retry.",
                                run.execution.id,
                                status.as_str()
                            ),
                            e.winner.clone(),
                            None,
                        ),
                    )
                    .await?;
                tracing::warn!(experiment = %e.id, run = %run.execution.id, error = %why, "the winner was not applied");
            }
            _ => {}
        }
        Ok(())
    }
}
