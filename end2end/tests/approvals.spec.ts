import { expect, Page, test } from "@playwright/test";

// Approval before money moves, with and without JavaScript: a Budget rebalance stops at its
// proposal, approving some changes applies exactly those (the others are rejected), a second
// proposal (the bid changes) is rejected, and the run then completes.

/** Reads the run's status, reloading without JavaScript (nothing updates the page by itself then). */
async function runStatus(page: Page, js: boolean): Promise<string | null> {
  if (!js) await page.reload();
  return page.getByTestId("run-status").getAttribute("data-status");
}

test("a rebalance waits for approval and applies exactly the approved changes", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  // A project with a Google Ads test account of its own seed.
  await page.goto("/connections");
  const project = await page.locator("#test-project option").first().getAttribute("value");
  await page.locator("#test-platform").selectOption("google");
  await page.locator("#test-seed").fill(String(4242 + (javaScriptEnabled ? 1 : 2)));
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/connected=conn_/);

  await page.goto("/workflows");
  const card = page.getByTestId("template-budget_rebalance");
  await card.locator("select").selectOption(project ?? "");
  await card.getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[0-9a-f]+$/);
  await expect(page.getByTestId("approval-policy")).toContainText("wait for approval");

  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[0-9a-f]+/);
  await expect.poll(() => runStatus(page, javaScriptEnabled), { timeout: 30_000, intervals: [500] }).toBe(
    "awaiting_approval",
  );
  // The Approvals page lists it and leads back to the run's panel.
  const runUrl = page.url().replace(/#.*$/, "");
  const runId = runUrl.split("/").pop() ?? "";
  await page.goto("/approvals");
  const row = page.getByTestId("approval-row").filter({ has: page.locator(`a[href="/executions/${runId}#approval"]`) });
  await expect(row).toContainText("Budget rebalance");
  await expect(row).toContainText("waiting");
  await row.getByRole("link", { name: "Decide" }).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${runId}`));
  const approval = page.locator('[data-testid="approval"][data-status="pending"]');
  await expect(approval).toHaveCount(1);
  await expect(approval.getByTestId("approval-summary")).toContainText("waiting for approval");
  const changes = approval.getByTestId("proposal-change");
  const count = await changes.count();
  expect(count).toBeGreaterThanOrEqual(2);
  await expect(changes.first()).toContainText("Daily budget");
  await approval.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `../target/screenshots/approval-pending-${javaScriptEnabled ? "js" : "nojs"}.png`, fullPage: true });

  // Keep every change but the second.
  await changes.nth(1).locator('input[type="checkbox"]').uncheck();
  await approval.getByTestId("approve-form").locator('input[name="note"]').fill("not the second one");
  await approval.getByTestId("approve").click();

  // The decision is shown with its note and each change's decision.
  if (!javaScriptEnabled) await page.reload();
  const decided = page.locator('[data-testid="approval"][data-status="decided"]').first();
  await expect(decided).toBeVisible({ timeout: 30_000 });
  await expect(decided).toContainText("not the second one");
  await expect(decided.getByTestId("proposal-change").nth(1)).toHaveAttribute("data-decision", "rejected");
  await expect(decided.getByTestId("proposal-change").nth(0)).toHaveAttribute("data-decision", "approved");

  // Stage 3 may propose bid changes (when the account has them): reject them all.
  await expect
    .poll(
      async () => {
        const s = await runStatus(page, javaScriptEnabled);
        if (s === "awaiting_approval") {
          const pending = page.locator('[data-testid="approval"][data-status="pending"]');
          if ((await pending.count()) > 0) await pending.getByTestId("reject").click();
        }
        return s;
      },
      { timeout: 45_000, intervals: [1000] },
    )
    .toBe("completed");
  if (!javaScriptEnabled) await page.reload();
  // The approved changes were applied, the rejected one was not.
  const first = page.locator('[data-testid="approval"]').first();
  await expect(first.getByTestId("proposal-change").nth(0)).toContainText("applied");
  await expect(first.getByTestId("proposal-change").nth(1)).not.toContainText("applied");
  await expect(page.getByTestId("run-stages")).toContainText("Moved budget on");
});
