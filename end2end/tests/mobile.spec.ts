import { expect, test } from "@playwright/test";
import { gotoHydrated, mainNav } from "./helpers";

test("on a 360 px phone the menu button reveals the navigation", async ({ page }) => {
  await gotoHydrated(page, "/");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(mainNav(page).getByRole("link", { name: "Connexion" })).toBeHidden();
  await menu.tap();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(mainNav(page).getByRole("link", { name: "Connexion" })).toBeVisible();
  await mainNav(page).getByRole("link", { name: "Connexion" }).tap();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});

test("no page scrolls sideways at 360 px", async ({ page }) => {
  for (const path of ["/", "/connexion", "/inscription", "/motos", "/motos/gran-turismo-1250", "/concessions"]) {
    await gotoHydrated(page, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, path).toBeLessThanOrEqual(360);
  }
});
