/**
 * What a person does in the portal, as the browser tests say it: sign in (with the authenticator
 * app, or "Not now"), open My roles, start an activation, answer the step-up dialog. Locators are
 * the ones a person reads — labels, roles and names — so a renamed control fails here first.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Portal, PortalUser } from './portal-server.ts';

export const SESSION_COOKIE = '__Host-openpim-session';

/** Waits (bounded by the context's default timeout) until the locator is visible. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible' });
  return locator;
}

export type SecondFactor =
  /** Type a code from the authenticator app (the function gives one the server has not seen). */
  | { readonly totp: () => string }
  /** Skip it: the session starts without MFA. */
  | 'not now'
  /** The account has none: sign-in ends after the password. */
  | 'none';

/**
 * Signs in through the sign-in page the browser is on (or opens /signin): the password, then the
 * second factor as asked; resolves when the portal has left the sign-in page.
 */
export async function signIn(page: Page, user: PortalUser, second: SecondFactor): Promise<void> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/signin')) await page.goto('/signin');
  await page.getByLabel('User name').fill(user.upn);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (second !== 'none') {
    await visible(page.getByText("Verify it's you with your second factor."));
    if (second === 'not now') {
      await page.getByRole('button', { name: 'Not now' }).click();
    } else {
      await page.getByLabel('Code from your authenticator app (or a recovery code)').fill(second.totp());
      await page.getByRole('button', { name: 'Verify' }).click();
    }
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/**
 * Signs in without the sign-in page, for tests about something else: the browser context posts the
 * password (and, with `mfa`, a fresh authenticator code) to POST /openpim/auth/session itself, so the
 * session cookie lands in its jar exactly as the page's own sign-in would put it there.
 */
export async function signInDirectly(page: Page, portal: Portal, user: PortalUser, options: { mfa: boolean }): Promise<void> {
  const res = await page.request.post('/openpim/auth/session', {
    data: { userPrincipalName: user.upn, password: user.password, ...(options.mfa ? { totp: portal.nextTotp(user) } : {}) },
  });
  expect(res.status(), await res.text()).toBe(200);
  expect(await sessionCookie(page)).toBeDefined();
}

/** My roles, loaded: its heading and the eligible table or its empty text. */
export async function openMyRoles(page: Page): Promise<void> {
  await page.goto('/assignments');
  await visible(page.getByRole('heading', { name: 'My roles', level: 1 }));
}

/** The row of the eligible (or active) roles table that names this role. */
export const roleRow = (page: Page, table: 'Eligible roles' | 'Active roles', role: string): Locator =>
  page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: role, exact: true }) });

/** The activation dialog's fields, filled; the dialog stays open. */
export async function fillActivation(dialog: Locator, fields: { justification?: string; ticketNumber?: string; ticketSystem?: string }): Promise<void> {
  if (fields.justification !== undefined) await dialog.getByLabel('Justification').fill(fields.justification);
  if (fields.ticketNumber !== undefined) await dialog.getByLabel('Ticket number').fill(fields.ticketNumber);
  if (fields.ticketSystem !== undefined) await dialog.getByLabel('Ticket system').fill(fields.ticketSystem);
}

/** The open dialog with this title. */
export const dialogTitled = (page: Page, title: string | RegExp): Locator =>
  page.getByRole('dialog').filter({ has: page.getByRole('heading', { name: title }) });

/**
 * Asks for a role that needs approval from My roles (the page is open there): the dialog says it
 * needs approval, takes the justification, answers "Waiting for approval"; closed, the page says
 * the request waits.
 */
export async function requestActivation(page: Page, role: string, justification: string): Promise<void> {
  await roleRow(page, 'Eligible roles', role).getByRole('button', { name: 'Activate' }).click();
  const dialog = await visible(dialogTitled(page, `Activate ${role}`));
  await visible(dialog.getByText('needs approval'));
  await fillActivation(dialog, { justification });
  await dialog.getByRole('button', { name: 'Activate' }).click();
  await visible(dialog.getByText('Waiting for approval', { exact: true }));
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  await visible(page.getByText(`${role}: waiting for approval — this page updates when an approver decides.`));
}

/** The step-up dialog ("Verify it's you"), once it is shown. */
export const stepUpDialog = (page: Page): Locator => page.getByRole('alertdialog', { name: "Verify it's you" });

/** Status of an API GET made by the page itself (its cookie, same origin). */
export async function apiStatusFromPage(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).status, path);
}

/** The session cookie of the page's context, or undefined. */
export async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
}

/** Marks the document, so a test can tell later that the page changed without a reload. */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  const mark = `mark-${Math.random()}`;
  await page.evaluate((m) => {
    (globalThis as Record<string, unknown>).__openpimTestMark = m;
  }, mark);
  return async () => (await page.evaluate(() => (globalThis as Record<string, unknown>).__openpimTestMark)) === mark;
}

/**
 * Picks an option of a Fluent combobox the way a person does: types into it (the list opens on
 * keystrokes, not on a pasted value), then clicks the option whose name starts with `option`.
 */
export async function pickOption(page: Page, combobox: Locator, typed: string, option: string | RegExp = typed): Promise<void> {
  await combobox.click();
  await combobox.fill('');
  await combobox.pressSequentially(typed);
  const name = typeof option === 'string' ? new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : option;
  await page.getByRole('listbox').getByRole('option', { name }).first().click();
}
