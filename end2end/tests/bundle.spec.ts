import { expect, test, type Page, type Response } from "@playwright/test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ADMIN, CUSTOMER, gotoHydrated, hydrated, hydratesOnInteraction, login, mainNav } from "./helpers";

// The browser bundle of issue 14: a visitor's public page loads no wasm until the visitor
// interacts with it (src/app.rs: reading and following links need none); the main wasm
// then hydrates it; members' and advisors' pages are split out in a chunk per area
// (`Lazy` routes in src/app.rs, `--split`). Every file is served precompressed under a
// content-hashed name, cached for a year; budgets in brotli bytes (KB = 1000 bytes),
// recorded in docs/benchmarks.md.
const PUBLIC_FIRST_LOAD_BUDGET = 250_000;
// A public page once hydrated (the visitor interacted; a member's every first page): the
// main wasm is 292 KB, mostly the framework's own code (docs/benchmarks.md says what was
// tried). Checked against today's figure (305 KB) plus 1 KB for the few hundred bytes
// brotli figures move between builds, so that any real growth fails.
const HYDRATED_PUBLIC_PAGE_BUDGET = 306_000;
// Issue 14's budget. Met at 595 KB, lost with the advisor desk of issue 15 (656 KB), met
// again at 590 KB: JSON read as text only, the server's frames streamed, and no
// asynchronous hydration code (vendor/README.md; docs/benchmarks.md has each step).
const WHOLE_APPLICATION_BUDGET = 600_000;
const site = process.env.PADDOCK_SITE_ROOT ?? join(__dirname, "..", "..", "target", "site");

/** A split chunk: any wasm of /pkg but the main one. */
const SPLIT_CHUNK = /\/pkg\/(?!paddock\.)[^/]+\.wasm$/;

/** The split chunks the page has fetched so far (from the network or the cache). */
async function splitChunksLoaded(page: Page): Promise<string[]> {
  const paths = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname),
  );
  return paths.filter((path) => SPLIT_CHUNK.test(path));
}

type Loaded = { url: string; bytes: number; encoding: string | undefined; cache: string | undefined };

/** Records the JS, wasm and CSS files the page fetches from now on, as sent. */
function countLoads(page: Page): () => Promise<Loaded[]> {
  const responses: Response[] = [];
  page.on("response", (response) => {
    if (/\/pkg\/.*\.(js|wasm|css)$/.test(new URL(response.url()).pathname)) responses.push(response);
  });
  return () =>
    Promise.all(
      responses.map(async (response) => ({
        url: new URL(response.url()).pathname,
        bytes: (await response.request().sizes()).responseBodySize,
        encoding: (await response.headerValue("content-encoding")) ?? undefined,
        cache: (await response.headerValue("cache-control")) ?? undefined,
      })),
    );
}

function checkSentAsBuilt(files: Loaded[]) {
  for (const file of files) {
    expect(file.encoding, `${file.url} is sent precompressed`).toBe("br");
    expect(file.cache, file.url).toBe("public, max-age=31536000, immutable");
    // Every name carries a hash: paddock.<hash>.wasm, <hash>.wasm, __wasm_split.<hash>.js.
    expect(file.url, "content-hashed name").toMatch(/[A-Za-z0-9_-]{22}\.(js|wasm|css)$/);
  }
}

const total = (files: Loaded[]) => files.reduce((sum, f) => sum + f.bytes, 0);

function describeFiles(files: Loaded[]): string {
  return files.map((f) => `${f.url} ${f.bytes} B ${f.encoding ?? "identity"}`).join("\n");
}

async function firstModelPath(page: Page): Promise<string> {
  await page.goto("/motos");
  const href = await page.locator('a[href^="/motos/"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  return href!;
}

test("a visitor's first load of each public page stays within its budget, precompressed and cached for a year", async ({ browser }) => {
  const probe = await browser.newPage();
  const modelPath = await firstModelPath(probe);
  await probe.close();
  for (const path of ["/", "/motos", modelPath, "/concessions", "/connexion", "/inscription"]) {
    // A new context each time: an empty cache, as a first visit.
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const loaded = countLoads(page);
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const read = await loaded();
    const listing = `${path}, as read: ${total(read)} B\n${describeFiles(read)}`;
    console.log(listing);
    // The page as served: complete, no wasm until the visitor interacts.
    expect(read.some((f) => f.url.endsWith(".wasm")), listing).toBe(false);
    expect(total(read), listing).toBeLessThanOrEqual(PUBLIC_FIRST_LOAD_BUDGET);
    checkSentAsBuilt(read);

    // The visitor's first keystroke: the main wasm comes and hydrates the page.
    await hydrated(page);
    await page.waitForLoadState("networkidle");
    const interacted = await loaded();
    const afterListing = `${path}, hydrated: ${total(interacted)} B\n${describeFiles(interacted)}`;
    console.log(afterListing);
    expect(interacted.some((f) => /\/pkg\/paddock\.[^/]+\.wasm$/.test(f.url)), afterListing).toBe(true);
    expect(total(interacted), afterListing).toBeLessThanOrEqual(HYDRATED_PUBLIC_PAGE_BUDGET);
    checkSentAsBuilt(interacted);
    await context.close();
  }
});

test("a member's page hydrates without waiting for an interaction", async ({ page }) => {
  await login(page, CUSTOMER);
  await expect(page).toHaveURL(/\/espace$/);
  await page.goto("/motos");
  expect(await hydratesOnInteraction(page)).toBe(false);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
});

test("the whole application — every JS, wasm and CSS file of the site — stays within 600 KB brotli", () => {
  const pkg = join(site, "pkg");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|wasm|css)$/.test(name)) files.push(path);
    }
  };
  walk(pkg);
  expect(files.length).toBeGreaterThan(2);
  let total = 0;
  const lines: string[] = [];
  for (const file of files) {
    // cargo leptos --precompress leaves a .br beside each file: what browsers are sent.
    const compressed = statSync(`${file}.br`).size;
    total += compressed;
    lines.push(`${file.slice(pkg.length + 1)} ${statSync(file).size} B, ${compressed} B br`);
  }
  const listing = `whole application: ${total} B br\n${lines.join("\n")}`;
  console.log(listing);
  expect(total, listing).toBeLessThanOrEqual(WHOLE_APPLICATION_BUDGET);
});

// Split pages: opened directly (server-rendered, then hydrated once their area's chunk is
// in) and reached through the menu (client-side navigation).
const splitPages = {
  customer: [
    ["/espace", "Mon espace"],
    ["/espace/assistant", "Assistant entretien"],
    ["/espace/rendez-vous", "Mes rendez-vous"],
    ["/espace/salons", "Salons"],
    ["/espace/conseiller", "Conseiller"],
  ],
  advisor: [
    ["/admin", "Administration"],
    ["/admin/agenda", "Agenda"],
    ["/admin/salons", "Gestion des salons"],
    ["/admin/conversations", "Conversations"],
    ["/admin/notifications", "Notifications"],
    ["/admin/catalogue", "Catalogue"],
  ],
} as const;

for (const [who, account, pages] of [
  ["customer", CUSTOMER, splitPages.customer],
  ["advisor", ADMIN, splitPages.advisor],
] as const) {
  test(`every split ${who} page hydrates, opened directly and reached through the menu`, async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await login(page, account);
    await expect(page).toHaveURL(who === "customer" ? /\/espace$/ : /\/admin$/);
    for (const [path] of pages) {
      await gotoHydrated(page, path);
      expect(await splitChunksLoaded(page), `${path} loads its area's chunk`).not.toEqual([]);
      // Hydrated in place: the server's page is not drawn a second time beside it.
      await expect(page.locator("main h1"), path).toHaveCount(1);
    }
    // Client-side navigation: no new document, every page of the area drawn from its chunk.
    await gotoHydrated(page, pages[0][0]);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    for (const [path, label] of pages.slice(1)) {
      await mainNav(page).getByRole("link", { name: label, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(page.locator("main h1"), path).toHaveCount(1);
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    }
    expect(errors).toEqual([]);
  });
}

test("a visitor's public pages fetch no split chunk", async ({ page }) => {
  for (const path of ["/", "/motos", "/concessions", "/connexion", "/inscription"]) {
    await gotoHydrated(page, path);
    await page.waitForLoadState("networkidle");
    expect(await splitChunksLoaded(page), path).toEqual([]);
  }
});
