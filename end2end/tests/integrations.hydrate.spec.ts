import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { logIn, watchConsole } from "./fixtures/app-page";

// Its own session: the test logs out at the end.
test.use({ storageState: { cookies: [], origins: [] } });

test("log in, create a webhook, send its sample command, read the delivery log, log out", async ({ page }) => {
  const errors = watchConsole(page);
  await logIn(page, "/integrations");
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");

  const form = page.getByTestId("new-webhook");
  await form.getByLabel("Name").fill("Shop orders");
  await form.getByLabel("Workflow it starts").selectOption({ index: 0 });
  // The imported workflows have no project: the webhook names the one its runs work for.
  await form.getByLabel("Project its runs work for").selectOption({ index: 1 });
  await page.getByTestId("create-webhook").click();

  const panel = page.getByTestId("webhook-secret");
  await expect(panel).toBeVisible();
  const url = (await panel.getByTestId("webhook-url").innerText()).trim();
  const secret = (await panel.getByTestId("webhook-secret-value").innerText()).trim();
  expect(url).toMatch(/\/api\/v1\/hooks\/hook_[0-9a-z]+$/);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  const sample = await panel.getByTestId("sample-curl").innerText();
  expect(sample).toContain(url);
  expect(sample).toContain("webhook-signature");

  // The sample command works as shown: a signed delivery starts the workflow.
  const answer = execFileSync("bash", ["-c", sample], { encoding: "utf8", timeout: 20_000 });
  const accepted = JSON.parse(answer);
  expect(accepted.execution_id).toMatch(/^exec_/);
  expect(accepted.replayed).toBe(false);

  await expect(page.getByTestId("webhooks-table")).toContainText("Shop orders");
  await page.getByTestId("webhooks-table").getByRole("link", { name: "Shop orders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Shop orders" })).toBeVisible();
  const log = page.getByTestId("deliveries-table");
  await expect(log).toContainText("accepted");
  await expect(log).toContainText(accepted.execution_id);

  // Rotating shows a new secret.
  await page.getByTestId("rotate-secret").click();
  await expect(page.getByTestId("webhook-secret-value")).not.toHaveText(secret);

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/integrations");
  await expect(page).toHaveURL(/\/login\?next=\/integrations$/);
  expect(errors).toEqual([]);
});

test("an API key is shown once and can be revoked", async ({ page }) => {
  await logIn(page, "/integrations");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("What uses it").fill("Reporting script");
  await page.getByTestId("create-api-key").click();
  const created = page.getByTestId("api-key-created");
  await expect(created).toContainText("sbk_");
  const key = (await created.locator("code").innerText()).trim();
  const ok = await page.request.get("/api/v1/projects", { headers: { authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  const row = page.getByTestId("api-keys-table").getByRole("row", { name: /Reporting script/ });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  // A revoked key is no one, even beside a session cookie.
  const refused = await page.request.get("/api/v1/projects", { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
});
