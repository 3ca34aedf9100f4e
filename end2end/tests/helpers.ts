import { expect, request, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";

export const ADMIN = { email: "claire.martin@paddock.test", password: "PaddockAdmin2026!", name: "Claire Martin" };
export const CUSTOMER = { email: "julie.petit@paddock.test", password: "PaddockClient2026!", name: "Julie Petit" };
export const THOMAS = { email: "thomas.durand@paddock.test", password: "PaddockClient2026!", name: "Thomas Durand" };

/** Opens a page and waits until the wasm has hydrated it: a broken wasm build fails here. */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/**
 * Whether the page waits for its visitor's first interaction to hydrate (src/app.rs), once
 * its inline script has said when it hydrates (it runs when the document is parsed).
 */
export async function hydratesOnInteraction(page: Page): Promise<boolean> {
  await expect(page.locator("html")).toHaveAttribute("data-hydration", /^on-(load|interaction)$/);
  return (await page.locator("html").getAttribute("data-hydration")) === "on-interaction";
}

/**
 * Waits until the page is hydrated. A visitor's page hydrates at their first interaction:
 * a key press (as a visitor's first keystroke would) starts it.
 */
export async function hydrated(page: Page) {
  const body = page.locator("body");
  if ((await body.getAttribute("data-hydrated")) !== "true" && (await hydratesOnInteraction(page))) {
    await page.keyboard.press("Shift");
  }
  await expect(body).toHaveAttribute("data-hydrated", "true");
}

export async function login(page: Page, account: { email: string; password: string }) {
  await gotoHydrated(page, "/connexion");
  await page.getByLabel("Adresse e-mail").fill(account.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

export function mainNav(page: Page) {
  return page.getByRole("navigation", { name: "Navigation principale" });
}

/** A new browser context logged in as `account`, landed on `home`, then opened at `path`. */
export async function signedIn(
  browser: Browser,
  account: { email: string; password: string },
  home: RegExp,
  path: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await (await browser.newContext({ locale: "fr-FR", ...options })).newPage();
  await login(page, account);
  await expect(page).toHaveURL(home);
  await gotoHydrated(page, path);
  return page;
}

/** A customer logged in in a browser context of their own, on the rooms page, connected. */
export async function customerOnRooms(browser: Browser, account: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  await login(page, account);
  await expect(page).toHaveURL(/\/espace$/);
  await gotoHydrated(page, "/espace/salons");
  await expect(page.getByRole("status")).toHaveText("Connecté");
  return page;
}

/** A customer registered apart from any page (a page's browser stays a visitor). */
export async function newCustomer(baseURL: string, displayName = "Alex Essai") {
  const account = {
    email: `essai.${Date.now()}.${Math.floor(Math.random() * 1e6)}@paddock.test`,
    password: "essai-moto-2026",
    name: displayName,
  };
  const api = await request.newContext({ baseURL });
  const response = await api.post("/api/session/register", {
    form: { email: account.email, display_name: displayName, password: account.password },
    headers: { origin: new URL(baseURL).origin },
  });
  expect(response.ok()).toBeTruthy();
  await api.dispose();
  return account;
}

/** Claire on her dashboard, marked available for live chat. */
export async function availableAdvisor(browser: Browser, options: BrowserContextOptions = {}) {
  const admin = await signedIn(browser, ADMIN, /\/admin$/, "/admin", options);
  const desk = admin.getByRole("region", { name: "Chat conseiller" });
  await expect(desk.getByRole("status")).toHaveText("Connecté");
  const available = desk.locator("#advisor-available");
  await expect(available).toBeEnabled();
  if (!(await available.isChecked())) {
    await available.check();
  }
  await expect(desk.getByText("Disponible pour le chat", { exact: true })).toBeVisible();
  return { admin, desk };
}
