import { expect, test } from "@playwright/test";
import { ADMIN, CUSTOMER, gotoHydrated, hydrated, hydratesOnInteraction, login, mainNav } from "./helpers";

test("a visitor registers and lands in their space", async ({ page }) => {
  const email = `motard.${Date.now()}@paddock.test`;
  await gotoHydrated(page, "/inscription");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Nom affiché").fill("Camille Motarde");
  await page.getByLabel("Mot de passe", { exact: true }).fill("une-moto-rouge-2026");
  await page.getByRole("button", { name: "Créer mon compte" }).click();

  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Bonjour Camille Motarde");
  await expect(mainNav(page).getByRole("link", { name: "Mon espace" })).toBeVisible();

  // The same email cannot register twice.
  await page.context().clearCookies();
  await gotoHydrated(page, "/inscription");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Nom affiché").fill("Autre Personne");
  await page.getByLabel("Mot de passe", { exact: true }).fill("une-moto-rouge-2026");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByRole("alert")).toHaveText("Cette adresse e-mail est déjà utilisée.");
  await expect(page).toHaveURL(/\/inscription$/);
});

test("registration explains a short password", async ({ page }) => {
  await gotoHydrated(page, "/inscription");
  await page.getByLabel("Adresse e-mail").fill(`court.${Date.now()}@paddock.test`);
  await page.getByLabel("Nom affiché").fill("Court");
  await page.getByLabel("Mot de passe", { exact: true }).fill("court");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByRole("alert")).toHaveText("Le mot de passe doit contenir au moins 10 caractères.");
});

test("a wrong password gets the generic error", async ({ page }) => {
  await login(page, { email: CUSTOMER.email, password: "pas-le-bon-mot-de-passe" });
  await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
  await expect(page).toHaveURL(/\/connexion/);
});

test("a visitor's login page loads no wasm until they interact, and its form works before and without it", async ({ browser }) => {
  // Without JavaScript: the server answers the form with the page again, saying why.
  const noScript = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
  const page = await noScript.newPage();
  await page.goto("/connexion?next=/espace/rendez-vous");
  await page.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill("pas-le-bon-mot-de-passe");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/connexion\?next=\/espace\/rendez-vous&erreur=invalid_credentials$/);
  await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
  // Read first: the refusal takes the focus when the page opens.
  await expect(page.getByRole("alert")).toBeFocused();
  await page.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(CUSTOMER.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/espace\/rendez-vous$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mes rendez-vous");
  await noScript.close();

  // With JavaScript: nothing but the stylesheet until the visitor starts filling the form;
  // then the page hydrates, and the refusal is shown in place.
  const context = await browser.newContext({ locale: "fr-FR" });
  const visitor = await context.newPage();
  const wasm: string[] = [];
  visitor.on("request", (request) => {
    if (request.url().endsWith(".wasm")) wasm.push(request.url());
  });
  await visitor.goto("/inscription");
  await visitor.waitForLoadState("networkidle");
  expect(wasm).toEqual([]);
  await visitor.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
  await expect(visitor.locator("body")).toHaveAttribute("data-hydrated", "true");
  expect(wasm.length).toBeGreaterThan(0);
  await visitor.getByLabel("Nom affiché").fill("Julie Bis");
  await visitor.getByLabel("Mot de passe", { exact: true }).fill("un-mot-de-passe-solide");
  await visitor.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(visitor.getByRole("alert")).toHaveText("Cette adresse e-mail est déjà utilisée.");
  await expect(visitor).toHaveURL(/\/inscription$/);
  await context.close();
});

test("a customer sees the customer navigation and is refused the admin page", async ({ page }) => {
  await login(page, CUSTOMER);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Bonjour ${CUSTOMER.name}`);
  const nav = mainNav(page);
  await expect(nav.getByRole("link", { name: "Mon espace" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Administration" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Connexion" })).toHaveCount(0);

  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accès refusé");
});

test("an admin sees the administration", async ({ page }) => {
  await login(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Administration");
  await expect(page.getByRole("table")).toContainText(CUSTOMER.email);
  await expect(mainNav(page).getByRole("link", { name: "Administration" })).toBeVisible();
});

test("logging out returns to the anonymous navigation", async ({ page }) => {
  await login(page, CUSTOMER);
  await expect(page).toHaveURL(/\/espace$/);
  await mainNav(page).getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(mainNav(page).getByRole("link", { name: "Connexion" })).toBeVisible();
  await expect(mainNav(page).getByRole("link", { name: "Mon espace" })).toHaveCount(0);
  // The member page is closed again.
  await page.goto("/espace");
  await expect(page).toHaveURL(/\/connexion\?next=\/espace$/);
});

test("an anonymous visitor of a member page is sent to login, then back", async ({ page }) => {
  await page.goto("/espace");
  await expect(page).toHaveURL(/\/connexion\?next=\/espace$/);
  await hydrated(page);
  await page.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(CUSTOMER.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/espace$/);
});

test("the password visibility toggle works once hydrated", async ({ page }) => {
  await gotoHydrated(page, "/connexion");
  const input = page.getByLabel("Mot de passe", { exact: true });
  await input.fill("secret-visible");
  await expect(input).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Afficher le mot de passe" }).click();
  await expect(input).toHaveAttribute("type", "text");
  const hide = page.getByRole("button", { name: "Masquer le mot de passe" });
  await expect(hide).toHaveAttribute("aria-pressed", "true");
  await hide.click();
  await expect(input).toHaveAttribute("type", "password");
});

test("a visitor's first press on « Afficher le mot de passe » takes effect once the page has hydrated", async ({ page }) => {
  await page.goto("/connexion");
  expect(await hydratesOnInteraction(page)).toBe(true);
  const input = page.getByLabel("Mot de passe", { exact: true });
  await page.getByRole("button", { name: "Afficher le mot de passe" }).click();
  await expect(input).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Masquer le mot de passe" })).toHaveAttribute("aria-pressed", "true");
});

test("every public page has its title, description and canonical link", async ({ page }) => {
  const titles = new Set<string>();
  for (const path of ["/", "/connexion", "/inscription"]) {
    await gotoHydrated(page, path);
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    const title = await page.title();
    expect(title).toMatch(/ · Paddock$/);
    titles.add(title);
    await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /.{40,}/);
    await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", new RegExp(`${path === "/" ? "/" : path}$`));
  }
  expect(titles.size).toBe(3);
});

test("the keyboard reaches the login form from the skip link", async ({ page }) => {
  await gotoHydrated(page, "/connexion");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Aller au contenu" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});

test("a session ended from another tab sends the open page to login with a notice, then back", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const rooms = await context.newPage();
  await login(rooms, CUSTOMER);
  await expect(rooms).toHaveURL(/\/espace$/);
  await gotoHydrated(rooms, "/espace/salons");
  await expect(rooms.getByText("Connecté", { exact: true })).toBeVisible();

  // Logging out in another tab ends the session: the rooms page's socket is closed
  // (1008) and the page opens the login page instead of reconnecting forever.
  const other = await context.newPage();
  await gotoHydrated(other, "/espace");
  await mainNav(other).getByRole("button", { name: "Se déconnecter" }).click();
  await expect(other).toHaveURL(/\/$/);

  await expect(rooms).toHaveURL(/\/connexion\?next=\/espace\/salons&expiree=1$/);
  await expect(rooms.getByText("Votre session a expiré. Reconnectez-vous pour continuer.")).toBeVisible();
  await hydrated(rooms);
  await rooms.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
  await rooms.getByLabel("Mot de passe", { exact: true }).fill(CUSTOMER.password);
  await rooms.getByRole("button", { name: "Se connecter" }).click();
  await expect(rooms).toHaveURL(/\/espace\/salons$/);
  await context.close();
});
