import { expect, type Page, test } from "@playwright/test";
import { gotoHydrated } from "./fixtures/app-page";

// A run's page links the learnings its agents recalled, with and without JavaScript: the second
// report on a project lists what the memory already knew ("Known: …", from the first report's
// findings), each line's memory id is a link to the learning, the agents' reasoning in the
// timeline links them too, and a link opens the learning's page.

async function open(page: Page, url: string, js: boolean): Promise<void> {
  if (js) await gotoHydrated(page, url);
  else await page.goto(url);
}

async function runToTheEnd(page: Page, workflow: string, js: boolean): Promise<void> {
  await open(page, workflow, js);
  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[^/?#]+$/);
  await expect
    .poll(
      async () => {
        if (!js) await page.reload();
        return page.getByTestId("run-status").getAttribute("data-status");
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe("completed");
  if (js) await gotoHydrated(page, new URL(page.url()).pathname);
}

test("a run's page links the learnings its agents recalled", async ({ page, javaScriptEnabled: js }) => {
  test.setTimeout(150_000);
  await open(page, "/workflows", js);
  const card = page.getByTestId("template-cross_channel_report");
  const project = (await card.locator("select option").nth(1).getAttribute("value")) ?? "";
  await open(page, "/connections", js);
  await page.locator("#test-project").selectOption(project);
  await page.locator("#test-platform").selectOption("google");
  await page.locator("#test-seed").fill(String(7300 + (js ? 1 : 2)));
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/\/connections\?connected=conn_/);
  await open(page, "/workflows", js);
  await page.getByTestId("template-cross_channel_report").locator("select").selectOption(project);
  await page.getByTestId("template-cross_channel_report").getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[^/?#]+$/);
  const workflow = new URL(page.url()).pathname;

  // The first report's findings are remembered when its run ends; the second recalls them.
  await runToTheEnd(page, workflow, js);
  await runToTheEnd(page, workflow, js);
  const known = page.getByTestId("stage-known").first();
  await expect(known).toContainText("Known: ");
  const link = known.getByTestId("memory-link").first();
  await expect(link).toHaveAttribute("href", /^\/memory\/mem_[0-9a-z]+$/);
  await expect(page.getByTestId("run-timeline").getByTestId("memory-link").first()).toHaveAttribute(
    "href",
    /^\/memory\/mem_[0-9a-z]+$/,
  );
  await page.screenshot({ path: `../target/screenshots/run-recalled-${js ? "js" : "nojs"}.png`, fullPage: true });
  const href = (await link.getAttribute("href")) ?? "";
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
});
