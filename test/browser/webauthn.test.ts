/**
 * Security keys in Chromium, with a virtual authenticator (Chrome DevTools Protocol, WebAuthn
 * domain) against a real OpenPIM server whose relying party is `localhost`: a key registered from
 * the page with navigator.credentials.create(); a role that asks for the phishing-resistant
 * authentication context opens the step-up dialog for a security key only, and the key's assertion
 * activates it; then the same key as the second factor at sign-in in another browser.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { dialogTitled, fillActivation, roleRow, signIn, stepUpDialog, visible } from '../support/portal-ui.ts';

interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
}

/** A USB security key with user verification that answers every ceremony by itself. */
async function addVirtualKey(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

const credentialsOf = async (key: VirtualAuthenticator) =>
  (await key.cdp.send('WebAuthn.getCredentials', { authenticatorId: key.authenticatorId })).credentials;
type VirtualCredential = Awaited<ReturnType<typeof credentialsOf>>[number];

// The page's own globals, for the function evaluated in it (this project compiles against Node's types).
declare const PublicKeyCredential: { parseCreationOptionsFromJSON(options: unknown): unknown };
declare const navigator: { credentials: { create(options: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null> } };

/** Registers a key the way a registration page would: the server's options, the browser's create(), the attestation back. */
function registerFromPage(page: Page, displayName: string): Promise<{ status: number; body: string }> {
  return page.evaluate(async (name) => {
    const session = (await (await fetch('/openpim/auth/session')).json()) as { csrfToken: string };
    const post = (path: string, body: unknown) =>
      fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify(body),
      });
    const options: unknown = await (await post('/openpim/auth/webauthn/register/options', {})).json();
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    if (!credential) return { status: 0, body: 'the authenticator made no credential' };
    const res = await post('/openpim/auth/webauthn/register/verify', { displayName: name, response: credential.toJSON() });
    return { status: res.status, body: await res.text() };
  }, displayName);
}

describe('security keys in the browser', () => {
  const chromium = useChromium();
  let portal: Portal;
  let bob: PortalUser;
  let exported: VirtualCredential | undefined;
  beforeAll(async () => {
    portal = await openPortal();
    bob = await portal.user('bob@contoso.test', { eligibleFor: [ROLE.helpdeskAdministrator] });
    await portal.setRule(ROLE.helpdeskAdministrator, 'AuthenticationContext_EndUser_Assignment', { isEnabled: true, claimValue: 'phishing-resistant' });
  });
  afterAll(async () => portal?.close());

  it('registers a key from the page, and a role that needs a phishing-resistant sign-in is activated with it through the step-up dialog', async () => {
    const page = await chromium.page(portal.url);
    const key = await addVirtualKey(page);
    await signIn(page, bob, 'none');
    const row = await visible(roleRow(page, 'Eligible roles', 'Helpdesk Administrator'));
    await visible(row.getByText('Security key', { exact: true }));

    const registered = await registerFromPage(page, 'Virtual key');
    expect(registered.status, registered.body).toBe(201);
    expect(JSON.parse(registered.body)).toMatchObject({ displayName: 'Virtual key', hardwareBound: true });
    const credentials = await credentialsOf(key);
    expect(credentials).toHaveLength(1);

    await row.getByRole('button', { name: 'Activate' }).click();
    const dialog = await visible(dialogTitled(page, 'Activate Helpdesk Administrator'));
    await fillActivation(dialog, { justification: 'Unlock the CFO account' });
    await dialog.getByRole('button', { name: 'Activate' }).click();

    const stepUp = await visible(stepUpDialog(page));
    await visible(stepUp.getByText('This role asks for a phishing-resistant sign-in: use your security key or passkey.'));
    expect(await stepUp.getByLabel('Code from your authenticator app (or a recovery code)').count(), 'no code field: a code cannot satisfy it').toBe(0);
    await checkPage(page, 'step-up-security-key');
    await stepUp.getByRole('button', { name: 'Use a security key or passkey' }).click();
    await stepUp.waitFor({ state: 'detached' });

    await visible(dialog.getByRole('listitem').filter({ hasText: 'Helpdesk Administrator' }).getByText('Active', { exact: true }));
    const session = await page.evaluate(async () => (await fetch('/openpim/auth/session')).json() as Promise<{ amr: string[]; acrs: string[] }>);
    expect(session.amr).toEqual(expect.arrayContaining(['mfa', 'hwk']));
    expect(session.acrs).toContain('phishing-resistant');
    const requests = await portal.api.call(
      portal.api.admin,
      'GET',
      `/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?$filter=principalId eq '${bob.principal.id}'`,
    );
    expect(json<{ value: { status: string; roleDefinitionId: string }[] }>(requests).value).toEqual([
      expect.objectContaining({ status: 'Provisioned', roleDefinitionId: ROLE.helpdeskAdministrator }),
    ]);
    const [after] = await credentialsOf(key);
    expect(after!.signCount, 'the key signed once more').toBeGreaterThan(credentials[0]!.signCount);
    exported = after;
  });

  it('signs in with the password and the same key as the second factor, in another browser', async () => {
    expect(exported, 'the key from the test before').toBeDefined();
    const page = await chromium.page(portal.url);
    const key = await addVirtualKey(page);
    await key.cdp.send('WebAuthn.addCredential', { authenticatorId: key.authenticatorId, credential: exported! });

    await page.goto('/signin');
    await page.getByLabel('User name').fill(bob.upn);
    await page.getByLabel('Password').fill(bob.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const useKey = await visible(page.getByRole('button', { name: 'Use a security key or passkey' }));
    expect(await page.getByLabel('Code from your authenticator app (or a recovery code)').count(), 'bob has no authenticator app').toBe(0);
    await checkPage(page, 'sign-in-security-key');
    await useKey.click();
    await page.waitForURL('**/assignments');
    await visible(page.getByRole('heading', { name: 'My roles', level: 1 }));
    const session = await page.evaluate(async () => (await fetch('/openpim/auth/session')).json() as Promise<{ amr: string[] }>);
    expect(session.amr).toEqual(expect.arrayContaining(['pwd', 'mfa', 'hwk']));
  });
});
