import { expect, Page, test } from "@playwright/test";

// An A/B test of Pinterest ads, with and without JavaScript: made on the New experiment page (its
// plan says how many days it needs), decided when its results are read, shown with its chart, and
// its winner applied (the losing ad paused by a run).

type Ad = { id: string; ad_group_id: string; status: string };

/** A project of its own with a Pinterest test account (set up through the API). */
async function setUp(page: Page, js: boolean): Promise<{ project: string; connection: string; name: string }> {
  const name = `Experiments ${js ? "js" : "nojs"} ${Date.now()}`;
  const p = await page.request.post("/api/v1/projects", { data: { name, currency: "USD" } });
  expect(p.status(), await p.text()).toBe(201);
  const project = (await p.json()).id as string;
  const c = await page.request.post("/api/v1/connections", {
    data: { project_id: project, platform: "pinterest", seed: 9 },
  });
  expect(c.status(), await c.text()).toBe(201);
  return { project, connection: (await c.json()).id as string, name };
}

async function tool(page: Page, connection: string, name: string, params: object): Promise<any> {
  const r = await page.request.post(`/api/v1/connectors/pinterest/tools/${name}`, {
    data: { connection_id: connection, params },
  });
  expect(r.ok(), await r.text()).toBe(true);
  return r.json();
}

/**
 * The two ads of one ad group that differ most over the days the test reads (the worse first): for
 * each ad group whose ads all deliver, its worst and best ads by conversion rate, run through the
 * A/B calculator (always-valid); the pair with the smallest p.
 */
async function clearestGroup(page: Page, connection: string, from: string, to: string): Promise<string[]> {
  const ads = ((await tool(page, connection, "list_ads", { page_size: 250 })).items as Ad[]).filter(
    (a) => a.status === "ACTIVE",
  );
  const totals = (await tool(page, connection, "get_ad_analytics", {
    ad_ids: ads.map((a) => a.id),
    start_date: from,
    end_date: to,
    granularity: "TOTAL",
    columns: ["CLICKTHROUGH_1", "TOTAL_CONVERSIONS"],
  })) as { AD_ID: string; CLICKTHROUGH_1: number; TOTAL_CONVERSIONS: number }[];
  const of = (id: string) => totals.find((t) => t.AD_ID === id);
  const groups = new Map<string, Ad[]>();
  for (const a of ads) groups.set(a.ad_group_id, [...(groups.get(a.ad_group_id) ?? []), a]);
  const candidates: { ids: string[]; a: object; b: object }[] = [];
  for (const [, members] of groups) {
    const rated = members
      .map((m) => ({ id: m.id, t: of(m.id) }))
      .filter((m) => m.t && m.t.CLICKTHROUGH_1 > 0)
      .sort((x, y) => x.t!.TOTAL_CONVERSIONS / x.t!.CLICKTHROUGH_1 - y.t!.TOTAL_CONVERSIONS / y.t!.CLICKTHROUGH_1);
    if (rated.length < 2 || rated.length !== members.length) continue;
    const arm = (m: (typeof rated)[number]) => ({
      conversions: Math.round(m.t!.TOTAL_CONVERSIONS),
      visitors: m.t!.CLICKTHROUGH_1,
    });
    const [worst, best] = [rated[0], rated[rated.length - 1]];
    candidates.push({ ids: [worst.id, best.id], a: arm(worst), b: arm(best) });
  }
  expect(candidates.length).toBeGreaterThan(0);
  const r = await page.request.post("/api/v1/stats/ab", {
    data: { tests: candidates.map((c) => ({ a: c.a, b: c.b, mode: "sequential" })) },
  });
  expect(r.ok(), await r.text()).toBe(true);
  const results = (await r.json()).results as { always_valid_p_value: number }[];
  let best = 0;
  results.forEach((x, i) => {
    if (x.always_valid_p_value < results[best].always_valid_p_value) best = i;
  });
  return candidates[best].ids;
}

test("an experiment is planned, decided, charted and its winner applied", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const js = javaScriptEnabled;
  const { project, connection, name } = await setUp(page, js);
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const ids = await clearestGroup(page, connection, day(89), day(0));

  // The list, then a new experiment: the project, Pinterest ads, conversion rate.
  await page.goto("/experiments");
  await expect(page.getByRole("link", { name: "Experiments" }).first()).toBeVisible();
  await page.getByTestId("new-experiment").click();
  await expect(page).toHaveURL(/\/experiments\/new/);
  const choose = page.getByTestId("experiment-choose");
  await choose.getByTestId("choose-project").selectOption(project);
  await choose.getByTestId("choose-platform").selectOption("pinterest");
  await choose.getByTestId("choose-level").selectOption("ads");
  await choose.getByTestId("choose-metric").selectOption("cvr");
  await choose.getByTestId("choose-submit").click();
  await expect(page).toHaveURL(/level=ads/);
  const objects = page.getByTestId("experiment-object");
  await expect(objects.first()).toBeVisible();

  // Only the chosen ad group's ads ticked; the plan follows (with JavaScript, as boxes change).
  const form = page.getByTestId("experiment-form");
  await form.locator("#experiment-name").fill(`Pin creative ${js ? "js" : "nojs"}`);
  const n = await objects.count();
  for (let i = 0; i < n; i++) {
    const row = objects.nth(i);
    const id = (await row.getAttribute("data-object")) ?? "";
    const box = row.getByTestId("object-pick");
    if (ids.includes(id)) await box.check();
    else await box.uncheck();
  }
  await form.locator(`input[name="form[control]"][value="${ids[0]}"]`).check();
  if (js) await expect(page.getByTestId("power-days")).toContainText(/day/);
  await form.locator("#experiment-started").fill(day(89));
  await page.screenshot({ path: `../target/screenshots/experiment-new-${js ? "js" : "nojs"}.png`, fullPage: true });
  await form.getByTestId("experiment-create").click();

  // Its page: read, decided for a winner, with the chart and the variants.
  await expect(page).toHaveURL(/\/experiments\/exp_[0-9a-f]+$/);
  await expect(page.getByTestId("experiment-status")).toHaveText("Decided");
  await expect(page.getByTestId("experiment-standing")).toHaveAttribute("data-state", "winner");
  await expect(page.getByTestId("variant-row")).toHaveCount(ids.length);
  await expect(page.locator('[data-testid="variant-row"][data-winner="true"]')).toHaveCount(1);
  await expect(page.getByTestId("experiment-srm")).toContainText("As configured");
  await expect(page.getByTestId("experiment-lift-chart")).toBeVisible();
  if (js) {
    await expect(page.locator("#experiment-lift canvas, #experiment-lift svg").first()).toBeVisible();
  } else {
    await expect(page.getByTestId("lift-table").locator("tbody tr").first()).toBeAttached();
  }
  await page.screenshot({ path: `../target/screenshots/experiment-decided-${js ? "js" : "nojs"}.png`, fullPage: true });

  // Apply the winner: a run pauses the losers; the page says which run, then "Applied".
  await page.getByTestId("experiment-apply").click();
  await expect(page.getByTestId("experiment-notice")).toContainText(/run/);
  await expect(page.getByTestId("experiment-applied")).toBeVisible();
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("experiment-status").innerText();
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBe("Applied");
  const history = page.getByTestId("experiment-history");
  await expect(history.locator('li[data-state="applied"]')).toHaveCount(1);
  const winner = await page.locator('[data-testid="variant-row"][data-winner="true"]').getAttribute("data-variant");
  expect(winner).not.toBeNull();
  const listed = (await tool(page, connection, "list_ads", { ad_ids: ids, entity_statuses: ["ACTIVE", "PAUSED"] }))
    .items as Ad[];
  expect(listed.filter((a) => a.status === "ACTIVE")).toHaveLength(1);
  expect(listed.filter((a) => a.status === "PAUSED")).toHaveLength(ids.length - 1);
  await page.screenshot({ path: `../target/screenshots/experiment-applied-${js ? "js" : "nojs"}.png`, fullPage: true });

  // The list shows it applied, filtered by its project.
  await page.goto(`/experiments?project_id=${project}`);
  const row = page.getByTestId("experiment-row");
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-status", "applied");
  expect(name).toContain("Experiments");
});
