import { expect, test } from "@playwright/test";

// Front-end files come from npm packages and are served by Switchboard itself, never from a CDN.
test("ECharts, the favicon and the stylesheet are served from the site", async ({ request }) => {
  const echarts = await request.get("/vendor/echarts.min.js");
  expect(echarts.status()).toBe(200);
  expect(echarts.headers()["content-type"]).toContain("javascript");
  expect(await echarts.text()).toContain("echarts");

  const favicon = await request.get("/favicon.svg");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toContain("image/svg+xml");

  const css = await request.get("/pkg/switchboard.css");
  expect(css.status()).toBe(200);
  expect(await css.text()).toContain("backdrop-filter");
});

test("pages load nothing from other hosts", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.hostname !== "127.0.0.1" && url.protocol !== "data:") foreign.push(r.url());
  });
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  expect(foreign).toEqual([]);
});
