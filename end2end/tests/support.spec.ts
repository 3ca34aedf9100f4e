import { expect, test } from "@playwright/test";
import { availableAdvisor, signedIn } from "./helpers";

const THOMAS = { email: "thomas.durand@paddock.test", password: "PaddockClient2026!" };
const LEA = { email: "lea.fournier@paddock.test", password: "PaddockClient2026!" };
const HUGO = { email: "hugo.moreau@paddock.test", password: "PaddockClient2026!" };

test("while no advisor is available, the request button is disabled and says why", async ({ browser }) => {
  const thomas = await signedIn(browser, THOMAS, /\/espace$/, "/espace/conseiller");
  await expect(thomas.getByText("Aucun conseiller disponible")).toBeVisible();
  await expect(thomas.getByRole("button", { name: "Parler à un conseiller" })).toBeDisabled();
  await expect(thomas.getByText(/la demande sera possible dès qu’un conseiller se connectera/)).toBeVisible();
  // Past conversations from the seed stay readable.
  await thomas.getByRole("button", { name: "Lire" }).first().click();
  await expect(thomas.getByRole("list", { name: "Transcription" })).toContainText("financement sur 48 mois");
});

test("an advisor accepts a customer's request and they talk live until it ends", async ({ browser }) => {
  const { admin, desk } = await availableAdvisor(browser);
  const lea = await signedIn(browser, LEA, /\/espace$/, "/espace/conseiller");
  await expect(lea.getByText(/conseillers? disponibles?/)).toBeVisible();
  await lea.getByLabel("Sujet (facultatif)").fill("Essai du roadster R7");
  const ask = lea.getByRole("button", { name: "Parler à un conseiller" });
  await expect(ask).toBeEnabled();
  await ask.click();
  await expect(lea.getByRole("heading", { name: "Votre demande est en attente" })).toBeVisible();
  await expect(lea.getByText(/dans la file\./)).toBeVisible();

  // The request appears in the advisor's queue without reload, with its topic.
  const entry = desk.getByRole("listitem").filter({ hasText: "Léa Fournier" });
  await expect(entry).toContainText("Essai du roadster R7");
  await entry.getByRole("button", { name: "Accepter la demande de Léa Fournier" }).click();
  await expect(admin.getByRole("heading", { name: "Conversation avec Léa Fournier" })).toBeVisible();
  await expect(lea.getByRole("heading", { name: "Conversation avec Claire Martin" })).toBeVisible();

  await lea.getByLabel("Votre message").fill("Bonjour, le R7 est-il libre à l’essai samedi ?");
  await lea.getByLabel("Votre message").press("Enter");
  await expect(admin.getByRole("log", { name: "Messages" })).toContainText("le R7 est-il libre à l’essai samedi ?");
  await admin.getByLabel("Votre message").fill("Oui, samedi à 10 h à la concession.");
  await admin.getByRole("button", { name: "Envoyer" }).click();
  await expect(lea.getByRole("log", { name: "Messages" })).toContainText("samedi à 10 h");

  await admin.getByRole("button", { name: "Terminer la conversation" }).click();
  await expect(lea.getByText("Cette conversation est terminée. Son historique reste lisible.")).toBeVisible();
  await expect(lea.getByLabel("Votre message")).toBeDisabled();
});

test("a refused request tells the customer the reason", async ({ browser }) => {
  const { desk } = await availableAdvisor(browser);
  const hugo = await signedIn(browser, HUGO, /\/espace$/, "/espace/conseiller");
  const ask = hugo.getByRole("button", { name: "Parler à un conseiller" });
  await expect(ask).toBeEnabled();
  await ask.click();
  await expect(hugo.getByRole("heading", { name: "Votre demande est en attente" })).toBeVisible();

  const entry = desk.getByRole("listitem").filter({ hasText: "Hugo Moreau" });
  await entry.getByText("Refuser", { exact: true }).click();
  await entry.getByLabel("Motif (facultatif, visible du client)").fill("Nous sommes en inventaire aujourd’hui.");
  await entry.getByRole("button", { name: "Confirmer le refus" }).click();
  await expect(entry).toHaveCount(0);
  const refusal = hugo.getByRole("alert").filter({ hasText: "Votre demande a été refusée" });
  await expect(refusal).toContainText("Motif : Nous sommes en inventaire aujourd’hui.");
  // The customer may ask again.
  await expect(ask).toBeEnabled();
});
