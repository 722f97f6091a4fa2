import { expect, type Page, test } from "@playwright/test";
import { gotoHydrated } from "./fixtures/app-page";

// The Memory page, with and without JavaScript: a person records a learning (an outcome), finds it
// by search, a repeat merges into it, its page explains why the search found it and shows its
// metric before and after; pin, edit the summary (an empty one is refused and what was typed
// stays), forget and undo.

async function open(page: Page, url: string, js: boolean): Promise<void> {
  if (js) await gotoHydrated(page, url);
  else await page.goto(url);
}

/** Each mode's own context: the same person, context and action would merge into one learning. */
const CONTEXT = {
  js: { platform: "meta", label: "Meta Ads", vertical: "travel" },
  nojs: { platform: "google", label: "Google Ads", vertical: "education" },
};

/** Fills the record form with an outcome and posts it. */
async function record(page: Page, summary: string, tags: string, js: boolean): Promise<void> {
  const context = CONTEXT[js ? "js" : "nojs"];
  const form = page.getByTestId("record-form");
  await form.locator("#record-summary").fill(summary);
  await form.locator("#record-kind").selectOption("outcome");
  await form.locator("#record-platform").selectOption(context.platform);
  // A retry records in another context, or its learning would merge into the first try's.
  const objectives = ["sales", "leads", "traffic"];
  await form.locator("#record-objective").selectOption(objectives[test.info().retry % objectives.length]);
  await form.locator("#record-vertical").selectOption(context.vertical);
  await form.locator("#record-action").selectOption("creative_refresh");
  await form.locator("#record-metric").selectOption("roas");
  await form.locator("#record-before").fill("3.2");
  await form.locator("#record-after").fill("2.9");
  await form.locator("#record-days").fill("7");
  await form.locator("#record-tags").fill(tags);
  await page.getByTestId("record-submit").click();
}

test("record a learning, find it by search, merge a repeat, pin, edit, forget and undo", async ({
  page,
  javaScriptEnabled: js,
}) => {
  test.setTimeout(90_000);
  const token = `quokka${js ? "js" : "nojs"}${Date.now() % 100000}`;
  const summary = `Fresh creatives for ${token} travel ads lowered ROAS in the first week`;

  await open(page, "/memory", js);
  await expect(page.getByRole("heading", { level: 1, name: "Memory" })).toBeVisible();
  await expect(page.getByTestId("agents-learned")).toBeVisible();

  // An outcome without its metric is refused, naming the field, and what was typed stays.
  const form = page.getByTestId("record-form");
  await form.locator("#record-summary").fill(summary);
  await form.locator("#record-kind").selectOption("outcome");
  await form.locator("#record-action").selectOption("creative_refresh");
  await page.getByTestId("record-submit").click();
  await expect(page.getByTestId("record-error-outcome-metric")).toContainText("required");
  await expect(form.locator("#record-summary")).toHaveValue(summary);

  // Recorded.
  await record(page, summary, `e2e, ${token}`, js);
  await expect(page.getByTestId("memory-notice")).toContainText(`Recorded: ${summary}`);

  // Found by search: the URL holds it, and the learning reads in plain words.
  await open(page, "/memory", js);
  await page.getByTestId("memory-search").fill(token);
  await page.getByTestId("memory-apply").click();
  await expect(page).toHaveURL(new RegExp(`/memory\\?q=${token}`));
  const card = page.getByTestId("memory").filter({ hasText: summary });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("memory-outcome")).toContainText("ROAS 3.20 → 2.90");
  await expect(card.getByTestId("memory-outcome")).toContainText("7 days");
  await expect(card.getByTestId("memory-outcome")).toContainText("measured");
  await expect(card.getByTestId("outcome-badge")).toHaveText("bad");
  await expect(card.getByTestId("memory-evidence")).toContainText("seen once");
  await expect(card.getByTestId("memory-source")).toHaveText("recorded by owner");
  await expect(card.locator(".memory-chip--platform")).toHaveText(CONTEXT[js ? "js" : "nojs"].label);
  await expect(card.locator(".memory-chip--action")).toHaveText("Creative refresh");

  // The same learning again merges into it.
  await record(page, summary, "e2e", js);
  await expect(page.getByTestId("memory-notice")).toContainText("Merged into an existing learning");
  if (!js) await page.reload();
  await expect(page.getByTestId("memory").filter({ hasText: summary }).getByTestId("memory-evidence")).toContainText(
    "seen 2 times",
  );

  // Its page: why the search found it, and the metric before and after.
  await page.getByTestId("memory").filter({ hasText: summary }).getByTestId("memory-summary").click();
  await expect(page).toHaveURL(new RegExp(`/memory/mem_[^?]+\\?q=${token}`));
  await expect(page.getByTestId("learning-summary")).toHaveText(summary);
  await expect(page.getByTestId("recall-explain")).toContainText("text");
  await expect(page.getByTestId("before-after-figures")).toContainText("3.20");
  await expect(page.getByTestId("before-after-figures")).toContainText("2.90");
  if (js) {
    await expect(page.locator("#memory-before-after canvas")).toHaveCount(1);
  }
  const learningUrl = page.url();

  // Pin.
  await page.getByTestId("learning").getByTestId("pin").click();
  await expect(page.getByTestId("learning").getByTestId("pinned")).toBeVisible();
  await expect(page.getByTestId("memory-notice")).toContainText("Pinned");

  // An empty summary is refused and what was typed stays; then a new one is saved.
  const edit = page.getByTestId("learning").getByTestId("edit-summary");
  await edit.locator("summary").click();
  await edit.getByTestId("summary-input").fill(" ");
  await edit.getByTestId("save-summary").click();
  await expect(page.getByTestId("learning").getByTestId("summary-error")).toContainText("empty");
  const renamed = `${summary} (checked twice)`;
  const editAgain = page.getByTestId("learning").getByTestId("edit-summary");
  // It stays open with the error (without JavaScript, the page comes back with it open).
  expect(await editAgain.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
  await editAgain.getByTestId("summary-input").fill(renamed);
  await editAgain.getByTestId("save-summary").click();
  await expect(page.getByTestId("learning-summary")).toHaveText(renamed);

  // Forget from the list, then undo.
  await open(page, `/memory?q=${token}`, js);
  const listed = page.getByTestId("memory").filter({ hasText: renamed });
  await expect(listed).toHaveCount(1);
  await listed.getByTestId("forget").click();
  await expect(page.getByTestId("memory-notice")).toContainText(`Forgotten: ${renamed}`);
  await expect(page.getByTestId("memory").filter({ hasText: renamed })).toHaveCount(0);
  await page.getByTestId("undo-forget").click();
  await expect(page.getByTestId("memory-notice")).toContainText(`Brought back: ${renamed}`);
  await expect(page.getByTestId("memory").filter({ hasText: renamed })).toHaveCount(1);
  await page.goto(learningUrl);
  await expect(page.getByTestId("learning").getByTestId("forgotten")).toHaveCount(0);
});

test("a run's learning links to its run", async ({ page, javaScriptEnabled: js }) => {
  test.setTimeout(120_000);
  // A report on a test account of its own, in a project of each mode's own: the Analyst's findings
  // become insights of that run (a later run's same findings merge into them, keeping the first
  // run as their source).
  await open(page, "/workflows", js);
  const card = page.getByTestId("template-cross_channel_report");
  const project = (await card.locator("select option").nth(js ? 0 : 2).getAttribute("value")) ?? "";
  await open(page, "/connections", js);
  await page.locator("#test-project").selectOption(project);
  await page.locator("#test-platform").selectOption("pinterest");
  await page.locator("#test-seed").fill(String(7100 + (js ? 1 : 2)));
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/\/connections\?connected=conn_/);
  await open(page, "/workflows", js);
  await page.getByTestId("template-cross_channel_report").locator("select").selectOption(project);
  await page.getByTestId("template-cross_channel_report").getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[^/?#]+$/);
  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[^/?#]+$/);
  const run = new URL(page.url()).pathname;
  await expect
    .poll(
      async () => {
        if (!js) await page.reload();
        return page.getByTestId("run-status").getAttribute("data-status");
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toMatch(/completed|failed/);

  // The run's learnings name it; its link opens the run.
  await expect
    .poll(
      async () => {
        await open(page, `/memory?agent=analyst&project_id=${project}`, js);
        return page.getByTestId("memory-run").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      },
      { timeout: 20_000, intervals: [1000] },
    )
    .toContain(run);
  const link = page.locator(`[data-testid="memory-run"][href="${run}"]`).first();
  await expect(page.getByTestId("memory").filter({ has: link }).first()).toHaveAttribute("data-kind", "insight");
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${run}$`));
  await expect(page.getByTestId("run-status")).toBeVisible();
});
