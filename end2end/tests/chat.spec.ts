import { expect, test } from "@playwright/test";
import { ADMIN, CUSTOMER, THOMAS, customerOnRooms, gotoHydrated, login } from "./helpers";

test("two customers chat live in a room until the admin deletes it", async ({ browser }) => {
  const roomName = `Sortie ${Date.now() % 100000}`;

  const admin = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  await login(admin, ADMIN);
  await expect(admin).toHaveURL(/\/admin$/);
  await gotoHydrated(admin, "/admin/salons");
  const form = admin.getByRole("region", { name: "Nouveau salon" });
  await form.getByLabel("Nom du salon").fill(roomName);
  await form.getByLabel("Capacité").fill("10");
  await admin.getByRole("button", { name: "Créer le salon" }).click();
  await expect(admin.getByRole("heading", { name: roomName })).toBeVisible();

  const julie = await customerOnRooms(browser, CUSTOMER);
  const thomas = await customerOnRooms(browser, THOMAS);
  for (const page of [julie, thomas]) {
    const item = page.getByRole("listitem").filter({ hasText: roomName });
    await item.getByRole("button", { name: "Rejoindre" }).click();
    await expect(page.getByRole("heading", { level: 2, name: roomName })).toBeVisible();
  }
  // Occupancy is live for everyone watching the list, the advisor's page included.
  await expect(julie.getByRole("listitem").filter({ hasText: roomName })).toContainText("2 / 10 membres");
  await expect(admin.getByRole("listitem").filter({ hasText: roomName })).toContainText("2 / 10 membres");

  await julie.getByLabel("Votre message").fill("Qui roule ce week-end ?");
  await julie.getByLabel("Votre message").press("Enter");
  await expect(thomas.getByRole("log", { name: "Messages" })).toContainText("Qui roule ce week-end ?");
  await thomas.getByLabel("Votre message").fill("Moi, départ 9 h !");
  await thomas.getByRole("button", { name: "Envoyer" }).click();
  await expect(julie.getByRole("log", { name: "Messages" })).toContainText("Moi, départ 9 h !");

  // The admin deletes the room: members see it closed at once and cannot post.
  await admin.getByRole("button", { name: `Supprimer le salon ${roomName}` }).click();
  await expect(admin.getByRole("heading", { name: roomName })).toHaveCount(0);
  await expect(julie.getByRole("alert")).toContainText("Ce salon a été supprimé");
  await expect(julie.getByLabel("Votre message")).toBeDisabled();
  await expect(julie.getByRole("log", { name: "Messages" })).toContainText("Moi, départ 9 h !");
  await expect(thomas.getByRole("listitem").filter({ hasText: roomName })).toHaveCount(0);
});

test("a full room cannot be joined", async ({ browser }) => {
  const emma = await customerOnRooms(browser, { email: "emma.leroy@paddock.test", password: "PaddockClient2026!" });
  const full = emma.getByRole("listitem").filter({ hasText: "Club des deux places" });
  await expect(full).toContainText("2 / 2 membres");
  await expect(full).toContainText("Complet");
  await expect(full.getByRole("button", { name: "Rejoindre" })).toHaveCount(0);
});

test("two customers write to each other from a room's member list", async ({ browser }) => {
  const julie = await customerOnRooms(browser, CUSTOMER);
  const emma = await customerOnRooms(browser, { email: "emma.leroy@paddock.test", password: "PaddockClient2026!" });

  await julie.getByRole("listitem").filter({ hasText: "Balades du dimanche" }).getByRole("button", { name: "Ouvrir" }).click();
  await julie.getByText("Membres du salon").click();
  await julie.getByRole("button", { name: "Écrire à Emma Leroy" }).click();
  await expect(julie.getByRole("heading", { level: 2, name: "Conversation avec Emma Leroy" })).toBeVisible();
  await julie.getByLabel("Votre message").fill("Salut Emma, tu viens dimanche ?");
  await julie.getByLabel("Votre message").press("Enter");
  await expect(julie.getByRole("log", { name: "Messages" })).toContainText("Salut Emma, tu viens dimanche ?");

  // Emma sees the new conversation appear with an unread message, then reads it.
  const open = emma.getByRole("button", { name: "Ouvrir la conversation avec Julie Petit" });
  await expect(open).toBeVisible();
  await expect(emma.getByLabel("1 non lu", { exact: true })).toBeVisible();
  await open.click();
  await expect(emma.getByRole("log", { name: "Messages" })).toContainText("Salut Emma, tu viens dimanche ?");
  await expect(emma.getByLabel("1 non lu", { exact: true })).toHaveCount(0);
  await emma.getByLabel("Votre message").fill("Oui, à 9 h !");
  await emma.getByLabel("Votre message").press("Enter");
  await expect(julie.getByRole("log", { name: "Messages" })).toContainText("Oui, à 9 h !");
});

test("a customer finds another by name and writes to them", async ({ browser }) => {
  const hugo = await customerOnRooms(browser, { email: "hugo.moreau@paddock.test", password: "PaddockClient2026!" });
  await hugo.getByLabel("Écrire à un client").fill("fournier");
  await hugo.getByRole("button", { name: "Chercher" }).click();
  await hugo.getByRole("button", { name: "Écrire à Léa Fournier" }).click();
  await expect(hugo.getByRole("heading", { level: 2, name: "Conversation avec Léa Fournier" })).toBeVisible();
  await hugo.getByLabel("Votre message").fill("Bonjour Léa !");
  await hugo.getByLabel("Votre message").press("Enter");
  await expect(hugo.getByRole("log", { name: "Messages" })).toContainText("Bonjour Léa !");
  await expect(hugo.getByText("Envoi…")).toHaveCount(0);
});

test("scrolling up a long history loads the older messages", async ({ browser }) => {
  const lea = await customerOnRooms(browser, { email: "lea.fournier@paddock.test", password: "PaddockClient2026!" });
  const room = lea.getByRole("listitem").filter({ hasText: "Atelier mécanique" });
  await room.getByRole("button", { name: "Rejoindre" }).click();
  const log = lea.getByRole("log", { name: "Messages" });
  await expect(log).toContainText("Astuce atelier n°60 :");
  await expect(log).not.toContainText("Astuce atelier n°1 :");
  await log.evaluate((list) => {
    list.scrollTop = 0;
    list.dispatchEvent(new Event("scroll"));
  });
  await expect(log).toContainText("Astuce atelier n°1 :");
  await expect(lea.getByRole("button", { name: "Messages précédents" })).toHaveCount(0);
});
