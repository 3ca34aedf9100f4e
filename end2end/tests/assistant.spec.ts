import { expect, test } from "@playwright/test";
import { ADMIN, gotoHydrated, login, mainNav } from "./helpers";

async function registerCustomer(page: import("@playwright/test").Page) {
  await gotoHydrated(page, "/inscription");
  await page.getByLabel("Adresse e-mail").fill(`atelier.${Date.now()}@paddock.test`);
  await page.getByLabel("Nom affiché").fill("Sam Atelier");
  await page.getByLabel("Mot de passe", { exact: true }).fill("entretien-2026-ok");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page).toHaveURL(/\/espace$/);
}

test("a customer books a maintenance slot with the assistant and finds it in their appointments", async ({ page }) => {
  await registerCustomer(page);
  await mainNav(page).getByRole("link", { name: "Assistant entretien" }).click();
  await expect(page).toHaveURL(/\/espace\/assistant$/);
  const log = page.getByRole("log");
  await expect(log).toContainText("Quel type d’aide souhaitez-vous ?");

  await page.getByRole("button", { name: "Vérifier l’entretien de ma moto" }).click();
  await expect(log).toContainText("De quelle année est votre moto ?");

  // A typed answer, first invalid, then valid.
  const field = page.getByLabel("Votre réponse");
  await field.fill("19");
  await field.press("Enter");
  await expect(log).toContainText("L’année doit comporter quatre chiffres");
  await field.fill("2018");
  await page.getByRole("button", { name: "Envoyer" }).click();
  await expect(log).toContainText("À quelle date a eu lieu son dernier entretien ?");

  await field.fill("15/03/2024");
  await field.press("Enter");
  await expect(log).toContainText("plus d’un an");

  // This week's slots, or next week's when none is left: take the first one offered.
  const slots = page.getByRole("group", { name: "Réponses proposées" }).getByRole("button");
  const first = slots.first();
  const label = (await first.textContent())!.trim();
  expect(label).toMatch(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi) \d{2}\/\d{2} à \d{1,2}h\d{2}$/);
  await first.click();
  await expect(log).toContainText(`C’est réservé : Entretien à l’atelier le ${label}`);
  await expect(page.getByRole("button", { name: "Vérifier l’entretien de ma moto" })).toBeVisible();

  await mainNav(page).getByRole("link", { name: "Mes rendez-vous" }).click();
  await expect(page).toHaveURL(/\/espace\/rendez-vous$/);
  await expect(page.getByRole("listitem").filter({ hasText: label })).toContainText("Entretien à l’atelier");

  // A reload resumes the conversation where it was.
  await gotoHydrated(page, "/espace/assistant");
  await expect(page.getByRole("log")).toContainText("C’est réservé");
});

test("with the track fully booked this week, next week's sessions are offered", async ({ page }) => {
  await registerCustomer(page);
  await gotoHydrated(page, "/espace/assistant");
  await page.getByRole("button", { name: "Des informations sur les motos" }).click();
  await page.getByRole("button", { name: "Sportif (piste)" }).click();
  await expect(page.getByRole("log")).toContainText("Il n’y a plus de créneau libre cette semaine");
});

test("an admin reads the maintenance agenda", async ({ page }) => {
  await login(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await mainNav(page).getByRole("link", { name: "Agenda" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Agenda des rendez-vous");
  await page.getByRole("link", { name: "Session sur piste" }).click();
  await expect(page.getByRole("table")).toContainText("Thomas Durand");
});
