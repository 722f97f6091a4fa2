import { defineConfig } from "@playwright/test";
import { OWNER_PASSWORD, RECEIVER_PORT } from "./tests/fixtures/app-page";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The server under test: the binary built by `cargo leptos build` (debug unless SWITCHBOARD_BIN says
// otherwise), a throwaway SQLite file, and its own port.
const root = path.resolve(__dirname, "..");
const port = Number(process.env.E2E_PORT ?? 3131);
const baseURL = `http://127.0.0.1:${port}`;
const bin = process.env.SWITCHBOARD_BIN ?? path.join(root, "target", "debug", "switchboard");
// The site (wasm, JS, CSS) `make test` builds into a folder of its own (target/test-site), so the
// tests never replace the files of a server that `make run` serves from target/site.
const siteRoot = process.env.E2E_SITE_ROOT ?? path.join(root, "target", "test-site");
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-e2e-"));
// The owner's password for the server under test; `auth.setup.ts` logs in with it once and the
// other tests start from that session.
const session = path.join(__dirname, "test-results", ".auth", "owner.json");

// Debian's Chromium, with nothing that reaches for the network (this machine has none).
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
  },
  projects: [
    { name: "login", testMatch: /auth\.setup\.ts$/ },
    {
      name: "hydrate",
      testIgnore: /\.ssr\.spec\.ts$/,
      dependencies: ["login"],
      use: { javaScriptEnabled: true, storageState: session },
    },
    {
      name: "ssr",
      testIgnore: /\.hydrate\.spec\.ts$/,
      dependencies: ["login"],
      use: { javaScriptEnabled: false, storageState: session },
    },
  ],
  webServer: {
    // Starts from the legacy sample (5 projects, 60 campaigns, 90 days of metrics each).
    command: `"${bin}" import-json "${path.join(root, "server", "tests", "fixtures", "legacy-sample")}" && "${bin}" serve`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: `sqlite://${dataDir}/switchboard.db?mode=rwc`,
      SWITCHBOARD_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: "warn",
      // Tests sync on demand; a scheduled sync must not change the numbers under a test.
      SWITCHBOARD_SYNC_SCHEDULE: "off",
      // Runs take long enough to be watched: the run page must follow stages live.
      SWITCHBOARD_STAGE_PAUSE_MS: "1000",
      // Test-mode calls answer at once (the pause above is what makes runs watchable here).
      SWITCHBOARD_TESTMODE_LATENCY: "off",
      SWITCHBOARD_OWNER_PASSWORD: OWNER_PASSWORD,
      // Every test browser logs in from 127.0.0.1.
      SWITCHBOARD_LOGIN_RATE_LIMIT: "600",
      // The Discord-compatible receiver `notifications.hydrate.spec.ts` starts.
      SWITCHBOARD_OUTBOUND_ALLOW: `127.0.0.1:${RECEIVER_PORT}`,
    },
  },
});
