import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";

// Without JavaScript a form posts, and the server sends the browser back to the page: what the post
// made (a webhook's secret, an API key, a connection check's answer) is shown on that page once, and
// a form that answered an error comes back with what was typed.

test("a new webhook's secret and sample command are shown once, and work", async ({ page }) => {
  await page.goto("/integrations");
  const form = page.getByTestId("new-webhook");
  await form.getByLabel("Name").fill("Orders without JavaScript");
  await form.getByLabel("Workflow it starts").selectOption({ index: 0 });
  // The imported workflows have no project: the webhook names the one its runs work for.
  await form.getByLabel("Project its runs work for").selectOption({ index: 1 });
  await page.getByTestId("create-webhook").click();
  await expect(page).toHaveURL(/\/integrations\??$/);

  const panel = page.getByTestId("webhook-secret");
  await expect(panel).toBeVisible();
  const url = (await panel.getByTestId("webhook-url").innerText()).trim();
  const secret = (await panel.getByTestId("webhook-secret-value").innerText()).trim();
  expect(url).toMatch(/\/api\/v1\/hooks\/hook_[0-9a-z]+$/);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  const sample = await panel.getByTestId("sample-curl").innerText();
  expect(sample).toContain(url);
  expect(sample).toContain(`SECRET='${secret}'`);
  // Selectable whole with one click, and no Copy button that could do nothing without JavaScript.
  const select = await panel
    .getByTestId("webhook-secret-value")
    .evaluate((el) => getComputedStyle(el).userSelect);
  expect(select).toBe("all");
  await expect(panel.getByTestId("copy").first()).toBeHidden();
  await expect(page.getByTestId("webhooks-table")).toContainText("Orders without JavaScript");

  // The command works as shown: a signed delivery starts the workflow.
  const answer = JSON.parse(execFileSync("bash", ["-c", sample], { encoding: "utf8", timeout: 20_000 }));
  expect(answer.execution_id).toMatch(/^exec_/);

  // Once: a reload no longer shows it.
  await page.reload();
  await expect(page.getByTestId("webhooks-table")).toContainText("Orders without JavaScript");
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // On the webhook's own page, "Show the secret" shows it, once.
  await page.getByTestId("webhooks-table").getByRole("link", { name: "Orders without JavaScript" }).click();
  await page.getByTestId("reveal-secret").click();
  await expect(page.getByTestId("webhook-secret-value")).toHaveText(secret);
  await page.reload();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
});

test("a new API key is shown once and works on the REST API", async ({ page }) => {
  await page.goto("/integrations");
  await page.getByLabel("What uses it").fill("Script without JavaScript");
  await page.getByTestId("create-api-key").click();
  await expect(page).toHaveURL(/\/integrations\??$/);

  const created = page.getByTestId("api-key-created");
  await expect(created).toContainText("Script without JavaScript");
  const key = (await created.getByTestId("api-key-value").innerText()).trim();
  expect(key).toMatch(/^sbk_/);
  const ok = await page.request.get("/api/v1/projects", {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(ok.status()).toBe(200);
  expect(Array.isArray(await ok.json())).toBe(true);

  await page.reload();
  await expect(page.getByTestId("api-key-created")).toHaveCount(0);
  await expect(page.getByTestId("api-keys-table")).toContainText("Script without JavaScript");
  expect(await page.content()).not.toContain(key);
});

test("a connection's Test answers on the page", async ({ page }) => {
  await page.goto("/connections");
  await page.locator("#test-platform").selectOption("google");
  await page.locator("#test-currency").fill("CHF");
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/\/connections\?connected=conn_[0-9a-z]+/);
  const id = new URL(page.url()).searchParams.get("connected");
  const row = page.getByTestId("connection-row").filter({ has: page.locator(`a[href="/connections/${id}/explorer"]`) });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("check-result")).toHaveCount(0);

  await row.getByTestId("check-connection").click();
  const result = row.getByTestId("check-result");
  await expect(result).toBeVisible();
  await expect(result).toHaveClass(/check-result--ok/);
  expect((await result.innerText()).trim().length).toBeGreaterThan(3);
  // Only this connection's row answers.
  await expect(page.getByTestId("check-result")).toHaveCount(1);

  await page.reload();
  await expect(page.getByTestId("check-result")).toHaveCount(0);
});

test("a form that answers an error keeps what was typed", async ({ page }) => {
  await page.goto("/connections");
  const project = page.locator("#test-project");
  const second = await project.locator("option").nth(1).getAttribute("value");
  expect(second).toBeTruthy();
  await project.selectOption(second ?? "");
  await page.locator("#test-platform").selectOption("pinterest");
  await page.locator("#test-currency").fill("GBP");
  await page.locator("#test-seed").fill("not a number");
  await page.getByTestId("add-test-account").click();

  await expect(page.locator(".field__error").filter({ hasText: "whole number" })).toBeVisible();
  await expect(project).toHaveValue(second ?? "");
  await expect(page.locator("#test-platform")).toHaveValue("pinterest");
  await expect(page.locator("#test-currency")).toHaveValue("GBP");
  await expect(page.locator("#test-seed")).toHaveValue("not a number");

  // A notification channel refused for its address: the name and kind come back, the address
  // (a Discord or Slack address carries its token) does not.
  await page.goto("/integrations");
  const channel = page.getByTestId("new-channel");
  await channel.getByLabel("Name").fill("Refused channel");
  await channel.getByLabel("Kind").selectOption("slack");
  await channel.getByLabel("Incoming webhook address (Discord, Slack)").fill("http://10.0.0.1/hook");
  await page.getByTestId("create-channel").click();
  await expect(channel).toContainText("private");
  await expect(channel.getByLabel("Name")).toHaveValue("Refused channel");
  await expect(channel.getByLabel("Kind")).toHaveValue("slack");
  await expect(channel.getByLabel("Incoming webhook address (Discord, Slack)")).toHaveValue("");

  // Once: a fresh visit starts with an empty form.
  await page.goto("/integrations");
  await expect(page.getByTestId("new-channel").getByLabel("Name")).toHaveValue("");

  // A webhook on a workflow without a project, and no project named: refused, the choices kept.
  const workflows = (await (await page.request.get("/api/v1/workflows")).json()) as { id: string; project_id?: string | null }[];
  const orphan = workflows.find((w) => !w.project_id);
  expect(orphan, "an imported workflow without a project").toBeTruthy();
  const hook = page.getByTestId("new-webhook");
  await hook.getByLabel("Name").fill("Kept webhook name");
  await hook.getByLabel("Workflow it starts").selectOption(orphan?.id ?? "");
  await page.getByTestId("create-webhook").click();
  await expect(hook).toContainText("has no project");
  await expect(hook.getByLabel("Name")).toHaveValue("Kept webhook name");
  await expect(hook.getByLabel("Workflow it starts")).toHaveValue(orphan?.id ?? "");
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
});

test("a notification channel's Send test answers on the page", async ({ page }) => {
  await page.goto("/integrations");
  const form = page.getByTestId("new-channel");
  await form.getByLabel("Name").fill("Slack without JavaScript");
  await form.getByLabel("Kind").selectOption("slack");
  // This machine reaches no outside host: the test message cannot be delivered, and the page says so.
  await form.getByLabel("Incoming webhook address (Discord, Slack)").fill("https://hooks.slack.com/services/T0/B0/nojs");
  await page.getByTestId("create-channel").click();
  const row = page.getByTestId("channels-table").getByRole("row", { name: /Slack without JavaScript/ });
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId("test-result")).toHaveCount(0);

  await row.getByTestId("send-test").click();
  await expect(page.getByTestId("test-result")).toContainText(/Test message: (not yet delivered|refused)/);
  await page.reload();
  await expect(page.getByTestId("test-result")).toHaveCount(0);
});

test("a tool run in the explorer answers on the page, and a refused one keeps what was typed", async ({ page }) => {
  await page.goto("/connections");
  await page.locator("#test-platform").selectOption("meta");
  await page.locator("#test-seed").fill(String((Date.now() % 1_000_000) + 11));
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/connected=conn_/);
  const id = new URL(page.url()).searchParams.get("connected");

  await page.goto(`/connections/${id}/explorer?tool=list_campaigns`);
  await page.getByLabel("limit").fill("5");
  await page.getByTestId("run-tool").click();
  const rows = page.getByTestId("result-table").locator("tbody tr");
  await expect(page.getByTestId("tool-result")).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await rows.count()).toBeLessThanOrEqual(5);
  // The form shows the parameters of the answer below it.
  await expect(page.getByLabel("limit")).toHaveValue("5");
  await page.reload();
  await expect(page.getByTestId("tool-result")).toHaveCount(0);

  await page.goto(`/connections/${id}/explorer?tool=get_campaign_insights`);
  await page.getByLabel("since").fill("2026-11-10");
  await page.getByLabel("until").fill("2026-11-01");
  await page.getByTestId("run-tool").click();
  await expect(page.getByText("must not be before since")).toBeVisible();
  await expect(page.getByTestId("tool-result")).toHaveCount(0);
  await expect(page.getByLabel("since")).toHaveValue("2026-11-10");
  await expect(page.getByLabel("until")).toHaveValue("2026-11-01");
});
