import { expect, test, type Page } from "@playwright/test";
import * as path from "node:path";
import { gotoHydrated } from "./fixtures/app-page";

// Every main page in three looks: light and dark at 1440 px, and a phone (390 x 844). Each is
// written to target/screenshots/<page>-<look>.png for a person to look at; on the phone, no page
// may scroll sideways (tables scroll inside their card instead).
const SHOTS = path.resolve(__dirname, "..", "..", "target", "screenshots");

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The first link on `list` whose address matches `pattern` (a page of one item to visit). */
async function firstLink(page: Page, list: string, pattern: RegExp): Promise<string> {
  await gotoHydrated(page, list);
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link matching ${pattern} on ${list}`).toBeTruthy();
  return href as string;
}

/** A run of its own, finished, so its page shows what a real run holds (its report's tables). */
async function finishedRun(page: Page): Promise<string> {
  await gotoHydrated(page, "/workflows");
  const card = page.getByTestId("template-cross_channel_report");
  const project = (await card.locator("select option").nth(1).getAttribute("value")) ?? "";
  // A test account in the project, so the run has something to report on.
  await gotoHydrated(page, "/connections");
  await page.locator("#test-project").selectOption(project);
  await page.locator("#test-platform").selectOption("meta");
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/\/connections\?connected=conn_/);
  await gotoHydrated(page, "/workflows");
  await card.locator("select").selectOption(project);
  await card.getByTestId("use-template").click();
  await expect(page).toHaveURL(/\/workflows\/wf_[^/?#]+$/);
  await page.getByTestId("start-run").click();
  await expect(page).toHaveURL(/\/executions\/exec_[^/?#]+$/);
  await expect(page.getByTestId("run-status")).toHaveText(/completed|failed/, { timeout: 30_000 });
  return new URL(page.url()).pathname;
}

/** The tool explorer of a test account of its own. */
async function explorer(page: Page): Promise<string> {
  await gotoHydrated(page, "/connections");
  await page.locator("#test-platform").selectOption("google");
  await page.getByTestId("add-test-account").click();
  await expect(page).toHaveURL(/\/connections\?connected=conn_/);
  const id = new URL(page.url()).searchParams.get("connected");
  return `/connections/${id}/explorer`;
}

/** A learning of its own, an outcome measured before and after, so its page shows its charts. */
async function learning(page: Page): Promise<string> {
  await gotoHydrated(page, "/memory");
  const form = page.getByTestId("record-form");
  await form.locator("#record-summary").fill("Raising Google search bids 15% for a finance client lifted conversions in two weeks");
  await form.locator("#record-kind").selectOption("outcome");
  await form.locator("#record-platform").selectOption("google");
  await form.locator("#record-objective").selectOption("leads");
  await form.locator("#record-vertical").selectOption("finance");
  await form.locator("#record-action").selectOption("bid_increase");
  await form.locator("#record-metric").selectOption("conversions");
  await form.locator("#record-before").fill("42");
  await form.locator("#record-after").fill("51");
  await form.locator("#record-days").fill("14");
  await page.getByTestId("record-submit").click();
  const link = page.getByTestId("record-result").locator("a");
  await expect(link).toBeVisible();
  return (await link.getAttribute("href")) ?? "/memory";
}

type Target = { name: string; path: (page: Page) => Promise<string> };

const fixed = (p: string) => async () => p;

const PAGES: Target[] = [
  { name: "dashboard", path: fixed("/") },
  { name: "projects", path: fixed("/projects") },
  { name: "project", path: (page) => firstLink(page, "/projects", /^\/projects\/proj_[^/?#]+$/) },
  { name: "campaigns", path: fixed("/campaigns") },
  { name: "campaign", path: (page) => firstLink(page, "/campaigns", /^\/campaigns\/camp_[^/?#]+$/) },
  { name: "connections", path: fixed("/connections") },
  { name: "explorer", path: explorer },
  { name: "workflows", path: fixed("/workflows") },
  { name: "workflow", path: (page) => firstLink(page, "/workflows", /^\/workflows\/wf_[^/?#]+$/) },
  { name: "executions", path: fixed("/executions") },
  { name: "execution", path: finishedRun },
  { name: "analytics", path: fixed("/analytics") },
  { name: "learning", path: learning },
  { name: "memory", path: fixed("/memory") },
  { name: "integrations", path: fixed("/integrations") },
  { name: "system", path: fixed("/system") },
];

/** Opens `url` hydrated and waits until nothing is loading any more. */
async function open(page: Page, url: string): Promise<void> {
  await gotoHydrated(page, url);
  await expect(page.locator(".skeleton")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // Charts draw after hydration.
  await page.waitForTimeout(400);
}

for (const target of PAGES) {
  test(`${target.name}: light, dark and phone screenshots; no sideways scroll on a phone`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(DESKTOP);
    const url = await target.path(page);

    await page.emulateMedia({ colorScheme: "light" });
    await open(page, url);
    await page.screenshot({ path: path.join(SHOTS, `${target.name}-light.png`), fullPage: true });
    const desktop = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(desktop[0], `${url} at 1440 px is ${desktop[0]} px wide`).toBeLessThanOrEqual(desktop[1]);

    await page.emulateMedia({ colorScheme: "dark" });
    await open(page, url);
    expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `${target.name}-dark.png`), fullPage: true });

    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(PHONE);
    await open(page, url);
    await page.screenshot({ path: path.join(SHOTS, `${target.name}-phone.png`), fullPage: true });
    // A long name among a select's options (a project or workflow someone named at length) must not
    // widen the page either.
    await page.evaluate(() => {
      for (const select of Array.from(document.querySelectorAll("select"))) {
        const option = document.createElement("option");
        option.text = "A project with a very long name for a client with a very long name too";
        select.add(option);
      }
    });
    const [scrollWidth, innerWidth] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    // Name what sticks out of a parent that fits (the element to fix), so a failure says where to look.
    const wide =
      scrollWidth > innerWidth
        ? await page.evaluate((limit) => {
            const name = (el: Element) =>
              `${el.tagName.toLowerCase()}${typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : ""}`;
            const out: string[] = [];
            for (const el of Array.from(document.querySelectorAll("body *"))) {
              const r = el.getBoundingClientRect();
              const parent = el.parentElement;
              if (!parent || r.right <= limit + 1 || out.length >= 8) continue;
              const fits = parent.getBoundingClientRect().right <= limit + 1;
              if (fits && getComputedStyle(parent).overflowX === "visible") {
                out.push(`${name(el)} (right ${Math.round(r.right)}) in ${name(parent)}`);
              }
            }
            return out;
          }, innerWidth)
        : [];
    expect(scrollWidth, `${url} on a phone is ${scrollWidth} px wide: ${wide.join(", ")}`).toBeLessThanOrEqual(innerWidth);
  });
}
