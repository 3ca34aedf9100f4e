// The public catalogue in Chromium against the release server: a visitor browses the
// range, filters it, opens a model and books a test ride through login and the
// assistant; the structured data parse; the pages work without JavaScript; an advisor
// edits, hides and shows a model.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, gotoHydrated, hydrated, login, mainNav, newCustomer } from "./helpers";

/** The page's JSON-LD blocks, parsed. */
async function structuredData(page: Page): Promise<Record<string, any>[]> {
  const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
  return blocks.map((block) => JSON.parse(block));
}

function modelCards(page: Page) {
  return page.locator(".model-grid > li");
}

async function visitor(browser: Browser): Promise<Page> {
  return (await browser.newContext({ locale: "fr-FR" })).newPage();
}

test("a visitor browses the range, filters it, opens a model and books a test ride through login and the assistant", async ({ page, baseURL }) => {
  const account = await newCustomer(baseURL!);
  await gotoHydrated(page, "/");
  await mainNav(page).getByRole("link", { name: "Motos" }).click();
  await expect(page).toHaveURL(/\/motos$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nos motos");
  await expect(modelCards(page)).toHaveCount(12);

  const filters = page.getByRole("navigation", { name: "Filtrer par usage" });
  await filters.getByRole("link", { name: /^Tout-terrain/ }).click();
  await expect(page).toHaveURL(/\/motos\?usage=tout-terrain$/);
  await expect(page).toHaveTitle("Motos tout-terrain · Paddock");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Motos tout-terrain");
  await expect(modelCards(page)).toHaveCount(4);
  await expect(modelCards(page).filter({ hasText: "Strada" })).toHaveCount(0);
  await expect(filters.getByRole("link", { name: /^Tout-terrain/ })).toHaveAttribute("aria-current", "page");

  await page.getByRole("link", { name: "Sentiero 700" }).click();
  await expect(page).toHaveURL(/\/motos\/sentiero-700$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sentiero 700");
  await expect(page).toHaveTitle(/^Sentiero 700 – moto tout-terrain/);

  // A visitor goes through the login page, then back to the assistant on this model.
  await page.getByRole("link", { name: "Réserver un essai" }).click();
  await expect(page).toHaveURL(/\/connexion\?next=\/espace\/assistant%3Fessai%3Dsentiero-700$/);
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(account.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/espace\/assistant\?essai=sentiero-700$/);

  const log = page.getByRole("log");
  await expect(log).toContainText("Réserver un essai : Sentiero 700");
  await expect(log).toContainText("Vous souhaitez essayer la Sentiero 700");
  const first = page.getByRole("group", { name: "Réponses proposées" }).getByRole("button").first();
  const label = (await first.textContent())!.trim();
  expect(label).toMatch(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi) \d{2}\/\d{2} à \d{1,2}h\d{2}$/);
  await first.click();
  await expect(log).toContainText(`C’est réservé : Essai tout-terrain le ${label}`);

  await mainNav(page).getByRole("link", { name: "Mes rendez-vous" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: label })).toContainText("Essai tout-terrain");
});

test("a logged-in customer's « Réserver un essai » opens the assistant on the model's use at once", async ({ page, baseURL }) => {
  const account = await newCustomer(baseURL!);
  await login(page, account);
  await expect(page).toHaveURL(/\/espace$/);
  await gotoHydrated(page, "/motos/pista-400");
  await page.getByRole("link", { name: "Réserver un essai" }).click();
  await expect(page).toHaveURL(/\/espace\/assistant\?essai=pista-400$/);
  // The track is full this week in the seed: next week's sessions are offered.
  const log = page.getByRole("log");
  await expect(log).toContainText("session sur piste");
  await expect(log).toContainText("Voici ceux de la semaine prochaine");
});

test("the JSON-LD of a model page parses and names its price", async ({ page }) => {
  await gotoHydrated(page, "/motos/pista-660");
  const data = await structuredData(page);
  const product = data.find((d) => Array.isArray(d["@type"]) && d["@type"].includes("Product"));
  expect(product, "a Product").toBeTruthy();
  expect(product!["@type"]).toContain("Vehicle");
  expect(product!.name).toBe("Pista 660");
  expect(product!.offers["@type"]).toBe("Offer");
  expect(product!.offers.price).toBe("11990.00");
  expect(product!.offers.priceCurrency).toBe("EUR");
  expect(product!.offers.availability).toBe("https://schema.org/InStock");
  // The price named is the price shown.
  const shown = page.locator(".model-price .price");
  await expect(shown).toHaveText(/^11\s990\s€$/);
  expect(Number(await shown.getAttribute("data-price-cents"))).toBe(Math.round(Number(product!.offers.price) * 100));

  const trail = data.find((d) => d["@type"] === "BreadcrumbList");
  expect(trail!.itemListElement.map((item: { name: string }) => item.name)).toEqual([
    "Accueil",
    "Motos",
    "Motos sportives",
    "Pista 660",
  ]);
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "product");
  await expect(page.locator('meta[property="og:image"]')).toHaveAttribute("content", /\/images\/motos\/pista-660\.svg$/);
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute("content", "summary_large_image");

  // The dealerships' page describes each as an AutoDealer with its hours.
  await gotoHydrated(page, "/concessions");
  const dealers = (await structuredData(page))[0]["@graph"];
  expect(dealers.length).toBeGreaterThanOrEqual(3);
  expect(dealers[0]["@type"]).toBe("AutoDealer");
  expect(dealers[0].openingHoursSpecification[0].opens).toBe("09:00");
});

test("each catalogue page has its own title, description, canonical link and social card", async ({ page }) => {
  const titles = new Set<string>();
  for (const path of ["/motos", "/motos?usage=sport", "/motos/strada-700", "/concessions"]) {
    await gotoHydrated(page, path);
    const title = await page.title();
    expect(title).toMatch(/ · Paddock$/);
    titles.add(title);
    await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /.{40,}/);
    const canonical = await page.locator('link[rel="canonical"]').getAttribute("href");
    expect(new URL(canonical!).pathname + new URL(canonical!).search).toBe(path);
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", title);
    await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute("content", /^summary/);
  }
  expect(titles.size).toBe(4);
});

test("the catalogue is complete without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/motos");
  await expect(modelCards(page)).toHaveCount(12);
  await page.getByRole("navigation", { name: "Filtrer par usage" }).getByRole("link", { name: /^Sport/ }).click();
  await expect(page).toHaveURL(/\/motos\?usage=sport$/);
  await expect(modelCards(page)).toHaveCount(3);
  await page.getByRole("link", { name: "Pista 1000 RR" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pista 1000 RR");
  await expect(page.locator(".specs").first()).toContainText("cm³");
  expect((await structuredData(page)).length).toBe(2);
  await page.getByRole("link", { name: "Nos concessions" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Paddock Lyon Gerland" })).toBeVisible();
  await context.close();
});

test("an advisor edits a model, hides it and it leaves the catalogue and the sitemap, then shows it again", async ({ page, browser }) => {
  await login(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await mainNav(page).getByRole("link", { name: "Catalogue" }).click();
  await expect(page).toHaveURL(/\/admin\/catalogue$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Catalogue");

  // Edit: a refusal explained in French, then the new price saved.
  await page.getByRole("link", { name: "Modifier Café 650" }).click();
  await expect(page.getByRole("heading", { name: "Modifier Café 650" })).toBeVisible();
  const power = page.getByLabel("Puissance (kW)");
  await power.fill("50");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("alert")).toContainText("ne dépasse pas 35 kW");
  await power.fill("35");
  await page.getByLabel("Prix TTC (€)").fill("7 190");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator(".form-success")).toHaveText("« Café 650 » a été enregistré.");

  const outside = await visitor(browser);
  await gotoHydrated(outside, "/motos/cafe-650");
  await expect(outside.locator(".model-price .price")).toHaveText(/^7\s190\s€$/);

  // Hide: gone from the range, the model's page and the sitemap.
  await page.getByRole("button", { name: "Masquer Café 650" }).click();
  await expect(page.locator(".form-success")).toContainText("« Café 650 » est masqué");
  await expect(page.getByRole("button", { name: "Afficher Café 650" })).toBeVisible();
  await gotoHydrated(outside, "/motos");
  await expect(modelCards(outside)).toHaveCount(11);
  await expect(outside.getByRole("link", { name: "Café 650" })).toHaveCount(0);
  expect((await outside.goto("/motos/cafe-650"))?.status()).toBe(404);
  await expect(outside.getByRole("heading", { level: 1 })).toHaveText("Modèle introuvable");
  const sitemap = async () => (await outside.request.get("/sitemap.xml")).text();
  expect(await sitemap()).not.toContain("/motos/cafe-650<");

  // Shown again: back everywhere.
  await page.getByRole("button", { name: "Afficher Café 650" }).click();
  await expect(page.getByRole("button", { name: "Masquer Café 650" })).toBeVisible();
  expect(await sitemap()).toContain("/motos/cafe-650</loc>");
  await gotoHydrated(outside, "/motos");
  await expect(modelCards(outside)).toHaveCount(12);
});
