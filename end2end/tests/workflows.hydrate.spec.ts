import { expect, test } from "@playwright/test";
import { gotoHydrated, watchConsole } from "./fixtures/app-page";

// A run followed live: its page updates over SSE while the agents work, without a reload.
test("start a template from the UI, watch its stages complete live and read the report", async ({ page }) => {
  const errors = watchConsole(page);
  // A project with test accounts on every platform.
  await gotoHydrated(page, "/connections");
  const project = await page.locator("#test-project option").first().getAttribute("value");
  for (const platform of ["google", "meta", "pinterest"]) {
    await page.locator("#test-platform").selectOption(platform);
    await page.locator("#test-seed").fill(String((Date.now() % 100_000) + platform.length));
    await page.getByTestId("add-test-account").click();
    await expect(page).toHaveURL(/connected=conn_/);
  }

  await gotoHydrated(page, "/workflows");
  const card = page.getByTestId("template-cross_channel_report");
  await expect(card).toContainText("Analyst reports the last 7 days");
  await card.locator("select").selectOption(project ?? "");
  await card.getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[0-9a-f]+$/);
  await expect(page.getByTestId("workflow-name")).toHaveText("Cross-channel performance report");
  const workflowId = page.url().split("/").pop() ?? "";

  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+$/);
  const runId = page.url().split("/").pop() ?? "";
  const loads: string[] = [];
  page.on("load", () => loads.push(page.url()));
  const stages = page.getByTestId("run-stage");
  await expect(stages).toHaveCount(2);
  // Seen while it runs, then complete, on the same page load.
  await expect(page.getByTestId("run-stages").locator('[data-status="running"]')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 20_000 });
  await expect(stages.nth(0)).toHaveAttribute("data-status", "completed");
  await expect(stages.nth(1)).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("progress-text")).toHaveText("2 of 2 stages complete");
  expect(loads).toEqual([]);

  // The report and the plan, and what the agents did.
  await expect(page.getByTestId("report-table")).toContainText("Google Ads");
  await expect(page.getByTestId("report-table")).toContainText("Pinterest Ads");
  await expect(page.getByTestId("plan-table")).toContainText("%");
  await expect(page.getByTestId("run-timeline")).toContainText("called google.list_campaigns");
  await expect(page.getByTestId("run-timeline")).toContainText("Read");
  expect(errors).toEqual([]);

  await gotoHydrated(page, "/executions?status=completed");
  await expect(page.getByTestId("executions-table")).toContainText("Cross-channel performance report");
  // Filtered by this workflow (other tests make workflows of the same name): only its one run.
  const filters = page.getByTestId("run-filters");
  await filters.locator('select[name="workflow"]').selectOption(workflowId);
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`workflow=${workflowId}`));
  const rows = page.getByTestId("executions-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(runId);
});

test("edit a workflow's stages: add, move, remove, with errors next to the field", async ({ page }) => {
  await gotoHydrated(page, "/workflows");
  const card = page.getByTestId("template-underperformer_pause");
  await card.getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[0-9a-f]+$/);
  await page.getByTestId("edit-workflow").click();
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const rows = page.getByTestId("stage-row");
  await expect(rows).toHaveCount(2);

  // A third stage, a Strategist plan, moved to the top; its parameters break the schema first.
  await page.getByTestId("add-stage").click();
  await expect(rows).toHaveCount(3);
  const added = rows.nth(2);
  await added.getByLabel("Name").fill("Plan first");
  await added.getByLabel("Agent").selectOption("Strategist");
  await added.getByLabel("Action").selectOption("plan");
  await added.getByLabel("Parameters (JSON)").fill('{"lookback_days": 400}');
  await added.getByTitle("Move up").click();
  await rows.nth(1).getByTitle("Move up").click();
  await expect(rows.nth(0).getByLabel("Name")).toHaveValue("Plan first");
  await page.getByTestId("save-workflow").click();
  await expect(page.getByTestId("error-stage-0-params")).toContainText("lookback_days");

  await rows.nth(0).getByLabel("Parameters (JSON)").fill('{"lookback_days": 28}');
  await rows.nth(2).getByTestId("remove-stage").click();
  await expect(rows).toHaveCount(2);
  await page.getByTestId("save-workflow").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[0-9a-f]+$/);
  const stages = page.locator(".stage-list__item");
  await expect(stages).toHaveCount(2);
  await expect(stages.nth(0)).toContainText("Plan first");
  await expect(stages.nth(0)).toContainText("Strategist · plan");
  await expect(stages.nth(0)).toContainText('"lookback_days":28');
  await expect(stages.nth(1)).toContainText("pause_underperformers");
});
