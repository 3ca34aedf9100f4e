import { defineConfig, devices } from "@playwright/test";

// The proxy smoke test (scripts/smoke-proxy.sh): Chromium against Caddy in front of two
// release instances. Kept apart from the end-to-end suite (playwright.config.ts), which
// runs against a single instance.
export default defineConfig({
  testDir: "./smoke",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 1,
  retries: 0,
  reporter: "list",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: process.env.PADDOCK_E2E_URL ?? "http://127.0.0.1:18480",
    locale: "fr-FR",
    ...devices["Desktop Chrome"],
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
