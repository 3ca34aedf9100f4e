import { expect, test } from "@playwright/test";
import { CUSTOMER, gotoHydrated, login, mainNav } from "./helpers";

test("on a 360 px phone a visitor's header shows its links, with no menu button and no wasm", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) wasm.push(request.url());
  });
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  for (const name of ["Accueil", "Motos", "Concessions", "Connexion", "Inscription"]) {
    await expect(mainNav(page).getByRole("link", { name, exact: true })).toBeVisible();
  }
  // Following a link is no interaction that needs the wasm: the page stays as served.
  await mainNav(page).getByRole("link", { name: "Motos" }).tap();
  await expect(page).toHaveURL(/\/motos$/);
  await page.waitForLoadState("networkidle");
  expect(wasm).toEqual([]);
  await mainNav(page).getByRole("link", { name: "Connexion" }).tap();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Connexion");
});

test("on a 360 px phone a customer's menu button reveals the navigation", async ({ page }) => {
  await login(page, CUSTOMER);
  await expect(page).toHaveURL(/\/espace$/);
  await gotoHydrated(page, "/");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(mainNav(page).getByRole("link", { name: "Mes rendez-vous" })).toBeHidden();
  await menu.tap();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(mainNav(page).getByRole("link", { name: "Mes rendez-vous" })).toBeVisible();
  await mainNav(page).getByRole("link", { name: "Mes rendez-vous" }).tap();
  await expect(page).toHaveURL(/\/espace\/rendez-vous$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});

test("no page scrolls sideways at 360 px", async ({ page }) => {
  for (const path of ["/", "/connexion", "/inscription", "/motos", "/motos/gran-turismo-1250", "/concessions"]) {
    await gotoHydrated(page, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, path).toBeLessThanOrEqual(360);
  }
});
