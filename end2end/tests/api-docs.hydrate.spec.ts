import { expect, test } from "@playwright/test";

// The interactive API docs: Swagger UI from the npm package, served by Switchboard, over the
// document the server generates. A logged-in owner can try a request with the session.
test("the API docs list every area and run a request with the session", async ({ page }) => {
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.hostname !== "127.0.0.1" && url.protocol !== "data:") foreign.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(e.message));

  // Reached from the Integrations page (a full page load, not a route of the app).
  await page.goto("/integrations");
  await page.getByTestId("api-docs-link").click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  await expect(page.locator(".swagger-ui .info .title")).toContainText("Switchboard API");
  await page.screenshot({ path: "test-results/api-docs-top.png" });
  for (const tag of ["projects", "campaigns", "analytics", "executions", "webhooks", "notifications", "api-keys"]) {
    await expect(page.locator(`.opblock-tag[data-tag="${tag}"]`)).toBeVisible();
  }

  // Open "GET /api/v1/projects", try it out, execute: the answer is the project list.
  await page.locator('.opblock-tag[data-tag="projects"]').click();
  const op = page.locator("#operations-projects-projects_list");
  await op.locator(".opblock-summary").click();
  await op.getByRole("button", { name: "Try it out" }).click();
  await op.getByRole("button", { name: "Execute" }).click();
  await expect(op.locator(".live-responses-table tr.response .response-col_status").first()).toHaveText("200");
  await expect(op.locator(".live-responses-table .microlight").first()).toContainText('"project"');

  await page.screenshot({ path: "test-results/api-docs.png", fullPage: false });
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test("the API docs need a login", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/api/docs");
  await expect(page).toHaveURL(/\/login\?next=/);
  await context.close();
});
