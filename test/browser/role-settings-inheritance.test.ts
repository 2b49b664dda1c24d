/**
 * Role settings inherit rule by rule, in Chromium against a real OpenPIM server: an administrator
 * shortens the longest activation on the tenant default settings page; a role that does not set it
 * shows the new value as inherited from the tenant default; set on the role, it shows as set here
 * (and only that rule is set: the role's other rules stay inherited); a scope's override shows it
 * inherited from the role's settings for the whole directory; reset from the keyboard, the role
 * inherits the tenant default's value again. The defaults for groups, opened from Groups, set the
 * member access's longest activation; a group's Settings tab shows it inherited from them, linked
 * back to them (with the access it comes from); reset there, the group inherits the tenant default.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, policyRulesOf, tenantDefaultRulesOf, type Portal } from '../support/portal-server.ts';
import { signInDirectly, visible } from '../support/portal-ui.ts';

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first: a failed test's pages are
// photographed while the server still answers them.
const chromium = useChromium();

const ROLE_NAME = 'Helpdesk Administrator';
const POLICIES = '/v1.0/policies/roleManagementPolicies';
const DURATION = 'Activation maximum duration (hours)';

/** The Activation section, and its list of where each of its settings comes from. */
async function activationOf(page: Page): Promise<{ section: Locator; origins: Locator }> {
  const section = await visible(page.getByRole('region', { name: 'Activation' }));
  return { section, origins: section.getByRole('list', { name: 'Activation: where each setting comes from' }) };
}

type Rules = Record<string, Record<string, unknown>>;

/** A group's member or owner policy (`scopeId` the group's id), or the defaults for groups (`/`), as the API (an administrator) reads it. */
async function groupPolicyOf(portal: Portal, scopeId: string, access: 'member' | 'owner'): Promise<{ id: string; rules: Rules }> {
  const filter = `scopeId eq '${scopeId}' and scopeType eq 'Group' and roleDefinitionId eq '${access}'`;
  const res = await portal.api.call(
    portal.api.admin,
    'GET',
    `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)`,
  );
  expect(res.statusCode, res.body).toBe(200);
  const found = json<{ value: { policy: { id: string; rules: { id: string }[] } }[] }>(res).value;
  expect(found, `the ${access} policy at ${scopeId}`).toHaveLength(1);
  return { id: found[0]!.policy.id, rules: Object.fromEntries(found[0]!.policy.rules.map((r) => [r.id, r])) };
}

/** The ids of the rules a policy sets itself (those without `inheritedFrom`). */
const setHere = (rules: Rules) =>
  Object.values(rules)
    .filter((r) => r.inheritedFrom === undefined)
    .map((r) => r.id);

describe.each(TEST_DATABASES)('role settings inheritance on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Page, name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());

  it('a tenant default change reaches a role that inherits it; set on the role it is set here, and reset it is inherited again', async () => {
    portal = await openPortal({ database });
    const dave = await portal.user('dave@contoso.test', { totp: true, activeIn: [ROLE.privilegedRoleAdministrator] });
    const admin = await chromium.page(portal.url);
    await signInDirectly(admin, portal, dave, { mfa: true });

    // (a) From Roles to the tenant default settings: every rule is set there, so nothing says "Set here" and nothing resets.
    await admin.goto('/admin/roles');
    await admin.getByRole('link', { name: 'Tenant default settings' }).click();
    await visible(admin.getByRole('heading', { name: 'Tenant default settings', level: 1 }));
    await visible(admin.getByText('Every role’s settings inherit from these defaults for each setting they don’t set themselves', { exact: false }));
    const defaults = await activationOf(admin);
    const defaultHours = defaults.section.getByLabel(DURATION);
    expect(await defaultHours.inputValue()).toBe('8');
    expect(await defaults.origins.count(), 'the tenant default inherits nothing').toBe(0);
    expect(await admin.getByRole('button', { name: /Reset to inherited/ }).count()).toBe(0);
    await defaultHours.fill('4');
    await defaults.section.getByRole('button', { name: 'Save' }).click();
    await visible(defaults.section.getByText('Saved. Every role and group that inherits these settings follows them from its next request.'));
    await check(admin, 'tenant-default-settings');
    const tenantDefault = await tenantDefaultRulesOf(portal);
    expect(tenantDefault.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT4H' });
    expect(setHere(tenantDefault)).toHaveLength(17);

    // (b) The role sets nothing yet: it shows the tenant default's new value, inherited.
    await admin.goto(`/admin/roles/${ROLE.helpdeskAdministrator}/settings`);
    await visible(admin.getByRole('heading', { name: `Role settings: ${ROLE_NAME}`, level: 1 }));
    await visible(admin.getByRole('link', { name: 'Tenant default settings' }));
    let role = await activationOf(admin);
    await visible(role.origins.getByText('All inherited from the tenant default.'));
    expect(await role.section.getByLabel(DURATION).inputValue()).toBe('4');
    expect(await role.origins.getByText('Set here').count()).toBe(0);
    expect(setHere(await policyRulesOf(portal, ROLE.helpdeskAdministrator))).toEqual([]);

    // (c) Changed on the role, the duration is set here; the other activation rules stay inherited, and only that rule was sent.
    await role.section.getByLabel(DURATION).fill('2');
    await visible(role.origins.getByText('Saving sets the settings you changed here; the others stay inherited.'));
    await role.section.getByRole('button', { name: 'Save' }).click();
    await visible(role.section.getByText('Saved. The next request for this role follows these settings.'));
    const own = role.origins.getByRole('listitem').filter({ hasText: 'Set here' });
    await visible(own.filter({ hasText: 'Activation maximum duration' }));
    expect(await own.count()).toBe(1);
    await visible(role.origins.getByText('The others are inherited from the tenant default.'));
    await visible(admin.getByRole('list', { name: 'Assignment: where each setting comes from' }).getByText('All inherited from the tenant default.'));
    expect(await role.section.getByLabel(DURATION).inputValue()).toBe('2');
    const rules = await policyRulesOf(portal, ROLE.helpdeskAdministrator);
    expect(setHere(rules), 'only the rule changed is set by the role').toEqual(['Expiration_EndUser_Assignment']);
    expect(rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT2H' });
    expect(rules.Enablement_EndUser_Assignment).toMatchObject({ inheritedFrom: { isOrganizationDefault: true, scopeId: '/' } });
    await check(admin, 'role-settings-inherited');

    // A scope's own settings start setting nothing: the duration comes from the role's settings for the whole directory, the rest from the tenant default.
    const unit = await portal.api.call(portal.api.admin, 'POST', '/v1.0/directory/administrativeUnits', { displayName: 'Paris' });
    expect(unit.statusCode, unit.body).toBe(201);
    const scopeId = `/administrativeUnits/${json<{ id: string }>(unit).id}`;
    const scoped = await portal.api.call(portal.api.admin, 'POST', '/openpim/policies', { roleDefinitionId: ROLE.helpdeskAdministrator, scopeId });
    expect(scoped.statusCode, scoped.body).toBe(201);
    await admin.goto(`/admin/roles/${ROLE.helpdeskAdministrator}/settings?scope=${encodeURIComponent(scopeId)}`);
    const atScope = await activationOf(admin);
    await visible(atScope.origins.getByText('Inherited from this role’s settings for the whole directory: Activation maximum duration.'));
    await visible(atScope.origins.getByText('Inherited from the tenant default:', { exact: false }));
    expect(await atScope.section.getByLabel(DURATION).inputValue()).toBe('2');
    await check(admin, 'role-settings-scope-inherited');

    // (d) Back to the role's own settings (the link names them); reset from the keyboard, the duration is inherited again with the tenant default's value.
    await atScope.origins.getByRole('link', { name: 'this role’s settings for the whole directory' }).click();
    await visible(admin.getByRole('combobox', { name: 'Settings for' }).filter({ hasText: 'Directory' }));
    role = await activationOf(admin);
    const reset = role.origins.getByRole('button', { name: 'Reset to inherited: Activation maximum duration' });
    await reset.focus();
    await admin.keyboard.press('Enter');
    await visible(role.section.getByText('Activation maximum duration is inherited again; the section shows the inherited value.'));
    await visible(role.origins.getByText('All inherited from the tenant default.'));
    expect(await role.section.getByLabel(DURATION).inputValue()).toBe('4');
    expect(await role.origins.getByText('Set here').count()).toBe(0);
    expect(await admin.evaluate('document.activeElement?.textContent ?? ""'), 'focus moves to what happened').toContain('is inherited again');
    expect(await role.section.getByRole('button', { name: 'Save' }).isDisabled(), 'the form shows what the server holds: nothing to save').toBe(true);
    const after = await policyRulesOf(portal, ROLE.helpdeskAdministrator);
    expect(setHere(after)).toEqual([]);
    expect(after.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT4H', inheritedFrom: { isOrganizationDefault: true } });
  });

  it('the defaults for groups reach a group that inherits them, link back from its settings, and reset inherit the tenant default again', async () => {
    portal = await openPortal({ database });
    const dave = await portal.user('dave@contoso.test', { totp: true, activeIn: [ROLE.privilegedRoleAdministrator] });
    const created = await portal.api.call(portal.api.admin, 'POST', '/v1.0/groups', { displayName: 'Ops admins', mailNickname: 'ops-admins' });
    expect(created.statusCode, created.body).toBe(201);
    const groupId = json<{ id: string }>(created).id;
    const admin = await chromium.page(portal.url);
    await signInDirectly(admin, portal, dave, { mfa: true });

    // (a) From Groups to the defaults for groups, member access: they set nothing yet, so everything comes from the tenant default.
    await admin.goto('/admin/groups');
    await admin.getByRole('link', { name: 'Defaults for groups', exact: true }).click();
    await visible(admin.getByRole('heading', { name: 'Defaults for groups', level: 1 }));
    expect(new URL(admin.url()).pathname).toBe('/admin/groups/defaults');
    await visible(admin.getByRole('combobox', { name: 'Settings for' }).filter({ hasText: 'Member access' }));
    const intro = await visible(admin.getByText('Every group’s member access settings inherit from these', { exact: false }));
    expect(await intro.getByRole('link', { name: 'the tenant default' }).getAttribute('href')).toBe('/admin/roles/tenant-default');
    let defaults = await activationOf(admin);
    await visible(defaults.origins.getByText('All inherited from the tenant default.'));
    expect(await defaults.section.getByLabel(DURATION).inputValue()).toBe('8');

    // (b) The member access's longest activation, set on the defaults: set here there, the others still inherited; the owner access's untouched.
    await defaults.section.getByLabel(DURATION).fill('2');
    await defaults.section.getByRole('button', { name: 'Save' }).click();
    await visible(defaults.section.getByText('Saved. Every group that inherits these settings follows them from its next request.'));
    await visible(defaults.origins.getByRole('listitem').filter({ hasText: 'Set here' }).filter({ hasText: 'Activation maximum duration' }));
    await visible(defaults.origins.getByText('The others are inherited from the tenant default.'));
    await check(admin, 'groups-default-settings');
    const memberDefaults = await groupPolicyOf(portal, '/', 'member');
    expect(setHere(memberDefaults.rules), 'only the rule changed is set by the defaults').toEqual(['Expiration_EndUser_Assignment']);
    expect(memberDefaults.rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT2H' });
    const ownerDefaults = await groupPolicyOf(portal, '/', 'owner');
    expect(setHere(ownerDefaults.rules)).toEqual([]);
    expect(ownerDefaults.rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT8H', inheritedFrom: { isOrganizationDefault: true } });
    // The owner access's defaults set a duration of their own (through the API), for the link from the owner settings below.
    const patched = await portal.api.call(portal.api.admin, 'PATCH', `${POLICIES}/${ownerDefaults.id}/rules/Expiration_EndUser_Assignment`, {
      maximumDuration: 'PT3H',
    });
    expect(patched.statusCode, patched.body).toBe(204);

    // (c) The group's member settings show the new value, inherited from the defaults for groups; its owner settings what the owner defaults hold.
    await admin.goto(`/admin/groups/${groupId}`);
    await admin.getByRole('tab', { name: 'Settings' }).click();
    await visible(admin.getByRole('combobox', { name: 'Settings for' }).filter({ hasText: 'Member access' }));
    expect(await admin.getByRole('link', { name: 'Defaults for groups', exact: true }).getAttribute('href')).toBe('/admin/groups/defaults');
    let group = await activationOf(admin);
    await visible(group.origins.getByText('Inherited from the defaults for groups: Activation maximum duration.'));
    await visible(group.origins.getByText('Inherited from the tenant default:', { exact: false }));
    expect(await group.section.getByLabel(DURATION).inputValue()).toBe('2');
    await check(admin, 'group-settings-inherited');
    const member = await groupPolicyOf(portal, groupId, 'member');
    expect(setHere(member.rules)).toEqual([]);
    expect(member.rules.Expiration_EndUser_Assignment).toMatchObject({
      maximumDuration: 'PT2H',
      inheritedFrom: { policyId: memberDefaults.id, scopeId: '/', isOrganizationDefault: false },
    });
    await admin.getByRole('combobox', { name: 'Settings for' }).click();
    await admin.getByRole('option', { name: 'Owner access' }).click();
    await visible(admin.getByText('These settings govern ownership of this group', { exact: false }));
    group = await activationOf(admin);
    expect(await group.section.getByLabel(DURATION).inputValue()).toBe('3');
    const toOwnerDefaults = group.origins.getByRole('link', { name: 'the defaults for groups' });
    expect(await toOwnerDefaults.getAttribute('href'), 'the link shows the access the rule comes from').toBe('/admin/groups/defaults?access=owner');
    expect(await admin.getByRole('link', { name: 'Defaults for groups', exact: true }).getAttribute('href')).toBe('/admin/groups/defaults?access=owner');

    // (d) Back on the member settings, the link leads to the member access's defaults; reset there, the duration is the tenant default's again.
    await admin.getByRole('combobox', { name: 'Settings for' }).click();
    await admin.getByRole('option', { name: 'Member access' }).click();
    group = await activationOf(admin);
    await group.origins.getByRole('link', { name: 'the defaults for groups' }).click();
    await visible(admin.getByRole('heading', { name: 'Defaults for groups', level: 1 }));
    const back = new URL(admin.url());
    expect(back.pathname + back.search, 'the member access’s defaults').toBe('/admin/groups/defaults');
    await visible(admin.getByRole('combobox', { name: 'Settings for' }).filter({ hasText: 'Member access' }));
    defaults = await activationOf(admin);
    expect(await defaults.section.getByLabel(DURATION).inputValue()).toBe('2');
    await defaults.origins.getByRole('button', { name: 'Reset to inherited: Activation maximum duration' }).click();
    await visible(defaults.section.getByText('Activation maximum duration is inherited again; the section shows the inherited value.'));
    await visible(defaults.origins.getByText('All inherited from the tenant default.'));
    expect(await defaults.section.getByLabel(DURATION).inputValue()).toBe('8');
    expect(await defaults.origins.getByText('Set here').count()).toBe(0);
    const reset = await groupPolicyOf(portal, '/', 'member');
    expect(setHere(reset.rules)).toEqual([]);
    expect(reset.rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT8H', inheritedFrom: { isOrganizationDefault: true } });
    const inherited = await groupPolicyOf(portal, groupId, 'member');
    expect(inherited.rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT8H', inheritedFrom: { isOrganizationDefault: true } });

    // The owner access's defaults, chosen on the page, still hold their own; the group's member settings inherit the tenant default again.
    await admin.getByRole('combobox', { name: 'Settings for' }).click();
    await admin.getByRole('option', { name: 'Owner access' }).click();
    await admin.waitForURL((url) => url.search === '?access=owner');
    defaults = await activationOf(admin);
    await visible(defaults.origins.getByRole('listitem').filter({ hasText: 'Set here' }).filter({ hasText: 'Activation maximum duration' }));
    expect(await defaults.section.getByLabel(DURATION).inputValue()).toBe('3');
    await admin.goto(`/admin/groups/${groupId}?tab=settings`);
    group = await activationOf(admin);
    await visible(group.origins.getByText('All inherited from the tenant default.'));
    expect(await group.section.getByLabel(DURATION).inputValue()).toBe('8');
  });
});
