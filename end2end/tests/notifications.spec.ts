import { expect, test } from "@playwright/test";
import { ADMIN, CUSTOMER, signedIn } from "./helpers";

function unreadLabel(count: number) {
  if (count === 0) return "Notifications";
  return `Notifications, ${count} non lue${count > 1 ? "s" : ""}`;
}

test("an advisor's notification reaches a customer on another page at once, as a toast and an unread count", async ({ browser }) => {
  // Julie is on the rooms page; the seed left her unread notifications.
  const julie = await signedIn(browser, CUSTOMER, /\/espace$/, "/espace/salons");
  const bell = julie.getByRole("button", { name: /^Notifications/ });
  await expect(bell).toHaveAccessibleName(/^Notifications, \d+ non lues?$/);
  const before = Number((await bell.getAttribute("aria-label"))!.match(/\d+/)![0]);

  const admin = await signedIn(browser, ADMIN, /\/admin$/, "/admin/notifications");
  const title = `Journée piste ${Date.now() % 100000}`;
  await admin.getByLabel("Titre").fill(title);
  await admin.getByLabel("Message").fill("Inscriptions ouvertes pour le 12 décembre.");
  await admin.getByLabel("Lien (facultatif)").fill("/espace/assistant");
  await expect(admin.getByRole("region", { name: "Aperçu" })).toContainText(title);
  await admin.getByRole("button", { name: "Envoyer à tous les clients" }).click();
  await expect(admin.getByText("Notification envoyée à tous les clients.")).toBeVisible();

  // Without any reload, the toast appears (in a polite live region) and the count moves.
  const toasts = julie.getByLabel("Nouvelles notifications");
  await expect(toasts).toHaveAttribute("aria-live", "polite");
  await expect(toasts).toContainText(title);
  await expect(toasts.getByRole("link", { name: "Voir l’offre" })).toHaveAttribute("href", "/espace/assistant");
  await expect(bell).toHaveAccessibleName(unreadLabel(before + 1));

  // The advisor's list shows it was received live.
  const row = admin.getByRole("row").filter({ hasText: title });
  await expect(row.getByRole("cell").nth(3)).toHaveText(/^[1-9]\d* clients?$/);

  // Dismissed, then read from the notification centre.
  await toasts.getByRole("button", { name: `Fermer la notification « ${title} »` }).click();
  await expect(toasts).not.toContainText(title);
  await bell.click();
  const centre = julie.getByRole("region", { name: "Centre de notifications" });
  await expect(centre).toContainText(title);
  await centre.getByRole("button", { name: `Marquer comme lue la notification « ${title} »` }).click();
  await expect(bell).toHaveAccessibleName(unreadLabel(before));
});

test("an advisor gets a clear error for an invalid link, and nothing is sent", async ({ browser }) => {
  const admin = await signedIn(browser, ADMIN, /\/admin$/, "/admin/notifications");
  await admin.getByLabel("Titre").fill("Lien douteux");
  await admin.getByLabel("Message").fill("Cliquez ici.");
  await admin.getByLabel("Lien (facultatif)").fill("javascript:alert(1)");
  await admin.getByRole("button", { name: "Envoyer à tous les clients" }).click();
  await expect(admin.getByRole("alert")).toContainText("Le lien doit être une page Paddock");
  await expect(admin.getByRole("row").filter({ hasText: "Lien douteux" })).toHaveCount(0);
});
