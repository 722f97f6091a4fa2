import { expect, test, type Page } from "@playwright/test";

// With and without JavaScript: a workflow imported from the earlier version (no project, stage
// words like `analyze` and `lookbackDays`) asks for a project instead of failing, runs from its
// page's Run now once one is chosen, and saves unchanged in the editor with a project picked.
// Each mode works on its own imported workflow and project, so the two can run side by side.

async function connectTestAccounts(page: Page, project: string, seedBase: number): Promise<void> {
  await page.goto("/connections");
  for (const [k, platform] of ["google", "meta"].entries()) {
    await page.locator("#test-project").selectOption(project);
    await page.locator("#test-platform").selectOption(platform);
    await page.locator("#test-seed").fill(String(seedBase + k));
    await page.getByTestId("add-test-account").click();
    await expect(page).toHaveURL(/connected=conn_/);
  }
}

/** Waits (reloading without JavaScript) until the run's status is `status`. */
async function runReaches(page: Page, status: string, js: boolean): Promise<void> {
  if (js) {
    await expect(page.getByTestId("run-status")).toHaveText(status, { timeout: 60_000 });
    return;
  }
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("run-status")).toHaveText(status, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

test("an imported workflow asks for a project, then runs from Run now and saves with one", async ({ page }, info) => {
  // A run's stages take longer while the other browser tests load both cores.
  test.setTimeout(120_000);
  const js = info.project.name === "hydrate";
  const [workflow, project, projectName] = js
    ? ["wf_001", "proj_0003", "Ecommerce Brand 3"]
    : ["wf_008", "proj_0004", "Travel Brand 4"];
  await connectTestAccounts(page, project, 70_000 + (Date.now() % 10_000) * 3 + (js ? 0 : 1));

  await page.goto(`/workflows/${workflow}`);
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("no-project")).toBeVisible();
  // Run now without a project: the page asks for one, and no run starts.
  await page.getByTestId("start-run").click();
  await expect(page.getByTestId("error-project_id")).toContainText("choose the project");
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow}`));

  // With a project chosen, the run starts and its stages progress to the end.
  await page.getByTestId("run-project").selectOption(project);
  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+$/);
  await expect(page.getByTestId("run-stage").first()).toBeVisible();
  await runReaches(page, "completed", js);
  await expect(page.getByTestId("run-timeline")).toContainText("called google.");

  // The editor offers the projects; saving the imported stages unchanged with one chosen works.
  await page.goto(`/workflows/${workflow}/edit`);
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("workflow-project")).toHaveValue("");
  await page.getByTestId("workflow-project").selectOption(project);
  await page.getByTestId("save-workflow").click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow}$`));
  await expect(page.getByTestId("no-project")).toHaveCount(0);
  await expect(page.locator(".page-header__subtitle")).toContainText(projectName);
  // Its parameters are stored in today's words.
  await expect(page.locator(".stage-list")).toContainText("lookback_days");
  await expect(page.locator(".stage-list")).not.toContainText("lookbackDays");

  // Now Run now needs no choice.
  await expect(page.getByTestId("run-project")).toHaveCount(0);
  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+$/);
  await runReaches(page, "completed", js);
});

// A save that answers an error keeps what was typed, with JavaScript and without (there the page
// is loaded again after the post, and the typed values come back from the server's flash).
test("the workflow editor keeps what was typed when saving answers an error", async ({ page }, info) => {
  const js = info.project.name === "hydrate";
  const workflow = js ? "wf_002" : "wf_003";
  await page.goto(`/workflows/${workflow}/edit`);
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.locator("#wf-name").fill("Renamed while typing");
  await page.locator("#wf-trigger").selectOption("schedule");
  await page.locator("#wf-schedule").fill("every monday");
  const params = page.getByTestId("stage-row").first().getByLabel("Parameters (JSON)");
  await params.fill('{"lookback_days": 400}');
  await page.getByTestId("save-workflow").click();

  await expect(page.getByTestId("error-schedule")).not.toBeEmpty();
  await expect(page.getByTestId("error-stage-0-params")).toContainText("lookback_days");
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow}/edit`));
  await expect(page.locator("#wf-name")).toHaveValue("Renamed while typing");
  await expect(page.locator("#wf-trigger")).toHaveValue("schedule");
  await expect(page.locator("#wf-schedule")).toHaveValue("every monday");
  await expect(params).toHaveValue('{"lookback_days": 400}');

  // Nothing was saved.
  await page.goto(`/workflows/${workflow}`);
  await expect(page.getByTestId("workflow-name")).not.toHaveText("Renamed while typing");
});
