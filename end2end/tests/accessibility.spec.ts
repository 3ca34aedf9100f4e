// The accessibility gate (issue 14): axe-core finds no WCAG 2.1 A or AA violation on any
// page — visitor, customer and advisor — on a desktop screen and on a 360 px phone,
// in the states that matter: the notification panel open with a toast, a live chat
// between a customer and an advisor (both sides), the assistant mid-conversation with
// its slots, a room open with its messages, forms showing their errors, the phone menu.
// Every member's page is analysed once hydrated and with its data loaded; visitors'
// pages as served (they hydrate at the visitor's first interaction), and once hydrated.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContextOptions, type Page } from "@playwright/test";
import { ADMIN, CUSTOMER, availableAdvisor, gotoHydrated, hydratesOnInteraction, login, mainNav, newCustomer, signedIn } from "./helpers";

const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const SCREENS: { name: string; phone: boolean; options: BrowserContextOptions }[] = [
  { name: "bureau 1280 px", phone: false, options: { viewport: { width: 1280, height: 800 } } },
  {
    name: "téléphone 360 px",
    phone: true,
    options: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
  },
];

const VISITOR_PAGES = [
  "/",
  "/motos",
  "/motos?usage=sport",
  "/motos/gran-turismo-1250",
  "/concessions",
  "/connexion",
  "/inscription",
  "/cette-page-n-existe-pas",
];
const CUSTOMER_PAGES = ["/espace", "/espace/assistant", "/espace/rendez-vous", "/espace/salons", "/espace/conseiller"];
const ADVISOR_PAGES = [
  "/admin",
  "/admin/agenda",
  "/admin/agenda?calendrier=track",
  "/admin/salons",
  "/admin/conversations",
  "/admin/notifications",
  "/admin/catalogue",
  "/admin/catalogue?modele=gran-turismo-1250",
];

/**
 * Waits until the page is hydrated, its data loaded and its socket (if any) connected. A
 * visitor's page that has not hydrated yet (it does at their first interaction) is
 * analysed as served: what a visitor reading it meets.
 */
async function settled(page: Page) {
  const hydrated = (await page.locator("body").getAttribute("data-hydrated")) === "true";
  if (!hydrated && (await hydratesOnInteraction(page))) return;
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator(".loading")).toHaveCount(0);
  const connection = page.locator(".connection");
  if ((await connection.count()) > 0) {
    await expect(connection).toHaveText("Connecté");
  }
}

/** Runs axe-core on the page as it is; each violation reads: rule, impact, where, why. */
async function expectAccessible(page: Page, state: string) {
  await settled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} [${violation.impact}] ${node.target.join(" ")} — ${violation.help} ` +
        `(${violation.helpUrl})\n      ${(node.failureSummary ?? "").replace(/\s*\n\s*/g, " ")}`,
    ),
  );
  const { pathname, search } = new URL(page.url());
  expect.soft(found, `${state} (${pathname}${search}): axe-core violations`).toEqual([]);
}

async function visitPages(page: Page, paths: string[], who: string) {
  for (const path of paths) {
    await page.goto(path);
    await expectAccessible(page, `${who}, ${path}`);
  }
}

/** On a phone: the header's menu opened, then closed again. */
async function withPhoneMenuOpen(page: Page, who: string) {
  const menu = page.getByRole("button", { name: "Menu" });
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(mainNav(page).getByRole("link", { name: "Accueil" })).toBeVisible();
  await expectAccessible(page, `${who}, menu ouvert`);
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
}

for (const screen of SCREENS) {
  test.describe(`accessibilité, ${screen.name}`, () => {
    // Animations end before measuring contrast; every context sees this screen.
    const context: BrowserContextOptions = { locale: "fr-FR", reducedMotion: "reduce", ...screen.options };

    test("visitor pages, as served and hydrated, and the login form's error", async ({ browser }) => {
      test.setTimeout(90_000);
      const page = await (await browser.newContext(context)).newPage();
      await visitPages(page, VISITOR_PAGES, "visiteur");
      // Once hydrated (at the visitor's first interaction), the home page still passes.
      await gotoHydrated(page, "/");
      await expectAccessible(page, "visiteur, /, hydratée");

      await gotoHydrated(page, "/connexion");
      await page.getByLabel("Adresse e-mail").fill(CUSTOMER.email);
      await page.getByLabel("Mot de passe", { exact: true }).fill("pas-le-bon-mot-de-passe");
      await page.getByRole("button", { name: "Afficher le mot de passe" }).click();
      await page.getByRole("button", { name: "Se connecter" }).click();
      await expect(page.getByRole("alert")).toBeVisible();
      await expectAccessible(page, "visiteur, connexion refusée");

      await gotoHydrated(page, "/inscription");
      await page.getByLabel("Adresse e-mail").fill("pas-une-adresse");
      await page.getByLabel("Nom affiché").fill("A");
      await page.getByLabel("Mot de passe", { exact: true }).fill("court");
      await page.getByRole("button", { name: "Créer mon compte" }).click();
      await expect(page.getByRole("alert")).toBeVisible();
      await expectAccessible(page, "visiteur, inscription refusée");
    });

    test("customer pages, the notification panel, a room with its messages, a past conversation", async ({ browser }) => {
      test.setTimeout(90_000);
      const page = await signedIn(browser, CUSTOMER, /\/espace$/, "/espace", context);
      // The seed left Julie unread notifications: the header shows their count.
      const bell = page.getByRole("button", { name: /^Notifications/ });
      await expect(bell).toHaveAccessibleName(/^Notifications, \d+ non lues?$/);
      await visitPages(page, CUSTOMER_PAGES, "cliente");

      await bell.click();
      await expect(page.getByRole("region", { name: "Centre de notifications" })).toBeVisible();
      await expectAccessible(page, "cliente, centre de notifications ouvert");
      await bell.click();

      await gotoHydrated(page, "/espace/salons");
      await page.getByRole("listitem").filter({ hasText: "Balades du dimanche" }).getByRole("button", { name: "Ouvrir" }).click();
      const messages = page.getByRole("log", { name: "Messages" });
      await expect(messages).toContainText("boucle des lacs");
      await page.getByText("Membres du salon").click();
      await expect(page.getByRole("button", { name: "Écrire à Emma Leroy" })).toBeVisible();
      await expectAccessible(page, "cliente, salon ouvert avec ses messages et ses membres");
      // A search for a customer, then the direct conversation with Thomas.
      await page.getByLabel("Écrire à un client").fill("leroy");
      await page.getByRole("button", { name: "Chercher" }).click();
      await expect(page.getByRole("button", { name: "Écrire à Emma Leroy" }).first()).toBeVisible();
      await page.getByRole("button", { name: "Ouvrir la conversation avec Thomas Durand" }).click();
      await expect(messages).toContainText("antivol");
      await expectAccessible(page, "cliente, conversation privée et recherche d’un client");

      await gotoHydrated(page, "/espace/conseiller");
      await page.getByRole("button", { name: "Lire" }).first().click();
      await expect(page.getByRole("list", { name: "Transcription" })).toBeVisible();
      await expectAccessible(page, "cliente, conversation passée avec un conseiller");

      if (screen.phone) {
        await withPhoneMenuOpen(page, "cliente");
      }
    });

    test("advisor pages, the notification form's error, a past conversation", async ({ browser }) => {
      test.setTimeout(90_000);
      const page = await signedIn(browser, ADMIN, /\/admin$/, "/admin", context);
      await visitPages(page, ADVISOR_PAGES, "conseillère");

      await gotoHydrated(page, "/admin/notifications");
      await page.getByLabel("Titre").fill("Lien douteux");
      await page.getByLabel("Message").fill("Cliquez ici.");
      await page.getByLabel("Lien (facultatif)").fill("javascript:alert(1)");
      await page.getByRole("button", { name: "Envoyer à tous les clients" }).click();
      await expect(page.getByRole("alert")).toContainText("Le lien doit être une page Paddock");
      await expectAccessible(page, "conseillère, notification refusée");

      await gotoHydrated(page, "/admin/conversations");
      await page.getByRole("button", { name: "Lire" }).first().click();
      await expect(page.getByRole("list", { name: "Transcription" })).toBeVisible();
      await expectAccessible(page, "conseillère, transcription");

      if (screen.phone) {
        await withPhoneMenuOpen(page, "conseillère");
      }
    });

    test("a live chat between a customer and an advisor, both sides, and a toast", async ({ browser, baseURL }) => {
      test.setTimeout(120_000);
      const name = `Nina Axe ${Date.now() % 100000}`;
      const account = await newCustomer(baseURL!, name);
      const { admin, desk } = await availableAdvisor(browser, context);
      try {
        await expectAccessible(admin, "conseillère disponible, file d’attente");

        const customer = await signedIn(browser, account, /\/espace$/, "/espace/conseiller", context);
        await expect(customer.getByText(/conseillers? disponibles?/)).toBeVisible();
        await expectAccessible(customer, "client, conseiller disponible");
        await customer.getByLabel("Sujet (facultatif)").fill("Reprise de mon trail");
        await customer.getByRole("button", { name: "Parler à un conseiller" }).click();
        await expect(customer.getByRole("heading", { name: "Votre demande est en attente" })).toBeVisible();
        await expectAccessible(customer, "client, demande en attente");

        const entry = desk.getByRole("listitem").filter({ hasText: name });
        await entry.getByText("Refuser", { exact: true }).click();
        await expect(entry.getByLabel("Motif (facultatif, visible du client)")).toBeVisible();
        await expectAccessible(admin, "conseillère, demande en attente, refus déplié");
        await entry.getByRole("button", { name: `Accepter la demande de ${name}` }).click();
        await expect(admin.getByRole("heading", { name: `Conversation avec ${name}` })).toBeVisible();
        await expect(customer.getByRole("heading", { name: "Conversation avec Claire Martin" })).toBeVisible();

        await customer.getByLabel("Votre message").fill("Bonjour, quelle reprise pour mon trail de 2019 ?");
        await customer.getByLabel("Votre message").press("Enter");
        await expect(admin.getByRole("log", { name: "Messages" })).toContainText("trail de 2019");
        await admin.getByLabel("Votre message").fill("Passez à la concession, nous l’estimerons ensemble.");
        await admin.getByRole("button", { name: "Envoyer" }).click();
        await expect(customer.getByRole("log", { name: "Messages" })).toContainText("nous l’estimerons");
        await expectAccessible(admin, "conseillère, conversation en direct");
        await expectAccessible(customer, "client, conversation en direct");

        // An offer arrives during the conversation: the toast shows on the customer's page.
        const compose = await admin.context().newPage();
        await gotoHydrated(compose, "/admin/notifications");
        const title = `Offre reprise ${Date.now() % 100000}`;
        await compose.getByLabel("Titre").fill(title);
        await compose.getByLabel("Message").fill("Votre reprise estimée en 24 heures.");
        await compose.getByLabel("Lien (facultatif)").fill("/motos");
        await compose.getByRole("button", { name: "Envoyer à tous les clients" }).click();
        await expect(compose.getByText("Notification envoyée à tous les clients.")).toBeVisible();
        await expectAccessible(compose, "conseillère, notification envoyée");
        await expect(customer.getByLabel("Nouvelles notifications")).toContainText(title);
        await expectAccessible(customer, "client, notification reçue pendant la conversation");

        await admin.getByRole("button", { name: "Terminer la conversation" }).click();
        await expect(customer.getByText("Cette conversation est terminée. Son historique reste lisible.")).toBeVisible();
        await expectAccessible(customer, "client, conversation terminée");
      } finally {
        // Other specs expect no advisor available and no conversation left open.
        const end = admin.getByRole("button", { name: "Terminer la conversation" });
        if (await end.isVisible()) {
          await end.click();
        }
        const available = desk.locator("#advisor-available");
        if (await available.isChecked()) {
          await available.uncheck();
        }
        await expect(desk.getByText("Indisponible pour le chat", { exact: true })).toBeVisible();
      }
    });

    test("the assistant mid-conversation, its quick replies and a calendar of slots", async ({ browser, baseURL }) => {
      test.setTimeout(90_000);
      const account = await newCustomer(baseURL!, "Sam Atelier");
      const page = await (await browser.newContext(context)).newPage();
      await login(page, account);
      await expect(page).toHaveURL(/\/espace$/);
      await gotoHydrated(page, "/espace/assistant");
      const log = page.getByRole("log");
      await expect(log).toContainText("Quel type d’aide souhaitez-vous ?");
      await page.getByRole("button", { name: "Vérifier l’entretien de ma moto" }).click();
      await expect(log).toContainText("De quelle année est votre moto ?");
      const field = page.getByLabel("Votre réponse");
      await field.fill("19");
      await field.press("Enter");
      await expect(log).toContainText("L’année doit comporter quatre chiffres");
      await expectAccessible(page, "assistant, réponse refusée");
      await field.fill("2018");
      await field.press("Enter");
      await expect(log).toContainText("À quelle date a eu lieu son dernier entretien ?");
      await field.fill("15/03/2024");
      await field.press("Enter");
      await expect(log).toContainText("plus d’un an");
      const slots = page.getByRole("group", { name: "Réponses proposées" }).getByRole("button");
      await expect(slots.first()).toHaveText(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi) \d{2}\/\d{2} à \d{1,2}h\d{2}$/);
      await expectAccessible(page, "assistant, créneaux proposés");
    });
  });
}
