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

  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+$/);
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
});
