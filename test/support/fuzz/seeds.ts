/**
 * Valid requests to start mutating from, per write route, over the authorization matrix's world
 * (authorization-matrix-fixtures.ts): real ids, real secrets, the shapes the routes accept. A route
 * missing here is still fuzzed — with a body made from its documented schema (exampleOf), and with
 * garbage — so a seed is a way to reach deeper, never a condition for being fuzzed.
 */
import { GROUP_ROLE, groupScope } from '../../../src/domain/group-access.ts';
import { ROLE } from '../../../src/domain/roles/catalogue.ts';
import { addKeyBody, groupRequest, PASSWORD, POLICIES, roleRequest, w, who } from '../authorization-matrix-fixtures.ts';
import type { Seed } from './bodies.ts';

/** Things of the fuzzer's own, made beside the matrix's world (fuzz/world.ts). */
export interface FuzzExtras {
  readonly tenantId: string;
  /** A SCIM token nobody calls with, for DELETE /openpim/scim/tokens/:id to revoke. */
  readonly spareScimTokenId: string;
  /** A client secret's key id and a certificate's key id of the world's service principal. */
  readonly secretKeyId: string;
  readonly certKeyId: string;
  /** An activation waiting for the default approvers, whom the administrator is among. */
  readonly pendingApprovalId: string;
  /** A security key's registration and a step-up assertion, each valid once for the administrator's pending challenge. */
  readonly registration: unknown;
  readonly assertion: unknown;
}

const REQ = '/v1.0/roleManagement/directory';
const GRP = '/v1.0/identityGovernance/privilegedAccess/group';
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM = 'application/scim+json';

/** Every kind of schedule an admin request can carry: the mutations then reach dates and durations of each. */
const schedules = () => [
  { expiration: { type: 'afterDuration', duration: 'PT1H' } },
  { startDateTime: '2026-01-06T09:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '2026-02-01T00:00:00Z' } },
  { '@odata.type': '#microsoft.graph.requestSchedule', startDateTime: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
];
/** What an activation may ask for under the default policy (at most eight hours). */
const activations = () => [
  { expiration: { type: 'afterDuration', duration: 'PT1H' } },
  { startDateTime: '2026-01-05T12:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '2026-01-05T14:00:00Z' } },
];

/**
 * Requests that stay valid however often they are sent: validation-only ones run every check of a
 * real request and are rolled back, so a mutated date or duration reaches the schedule arithmetic
 * instead of stopping at "already assigned". Dave holds nothing; the ordinary user is eligible for
 * what they activate, and Alice holds what is removed or extended (fuzz/world.ts, the matrix's world).
 */
function requestSeeds(target: 'role' | 'group', kind: 'assignment' | 'eligibility'): Seed[] {
  const roleId = kind === 'assignment' ? ROLE.auditLogReader : ROLE.helpdeskAdministrator;
  const to = (principalId: string, role = roleId) =>
    target === 'role' ? roleRequest('adminAssign', principalId, role) : groupRequest(principalId, w.group.id);
  const ticketInfo = { ticketNumber: 'CHG-1', ticketSystem: 'ServiceNow' };
  const seeds: Seed[] = [
    ...schedules().map((scheduleInfo) => ({ body: { ...to(w.dave.id), scheduleInfo, ticketInfo, isValidationOnly: true } })),
    { body: { ...to(w.dave.id), isValidationOnly: false } },
    // Alice's own: Audit Log Reader (assignment) and Helpdesk Administrator (eligibility), or the group's membership.
    { body: { ...to(w.alice.id, kind === 'assignment' ? ROLE.auditLogReader : ROLE.helpdeskAdministrator), action: 'adminRemove', isValidationOnly: true } },
  ];
  if (kind === 'assignment') {
    const self =
      target === 'role'
        ? roleRequest('selfActivate', who.user!.id, ROLE.reader, '/subscriptions/s1')
        : { ...groupRequest(who.user!.id, w.group.id), action: 'selfActivate' };
    seeds.push(...activations().map((scheduleInfo): Seed => ({ as: 'user', body: { ...self, scheduleInfo, isValidationOnly: true } })));
  }
  if (target === 'group' && kind === 'assignment') {
    // Alice's group membership runs for 30 days: extended, it ends later.
    seeds.push({
      body: {
        ...to(w.alice.id),
        action: 'adminExtend',
        isValidationOnly: true,
        targetScheduleId: w.aliceSchedules.groupAssignment,
        scheduleInfo: { expiration: { type: 'afterDateTime', endDateTime: '2026-03-01T00:00:00Z' } },
      },
    });
  }
  return seeds;
}

/** A rule PATCH of the directory role's tenant-wide policy, with the rule id its type goes with. */
const rule = (type: string, ruleId: string, body: Record<string, unknown>): Seed => ({
  params: { id: w.tenantPolicyId, ruleId },
  body: { '@odata.type': `#microsoft.graph.unifiedRoleManagementPolicy${type}Rule`, ...body },
});

/** The seeds of each write route, by `METHOD /pattern` (routes.ts). */
export function seedsOf(x: FuzzExtras): Record<string, Seed[]> {
  const signIn = { userPrincipalName: w.signer.userPrincipalName!, password: PASSWORD };
  const review = (id: string): Seed[] => [
    { params: { id, stepId: '1' }, body: { reviewResult: 'Approve', justification: 'Checked' } },
    { params: { id, stepId: '1' }, body: { reviewResult: 'Deny', justification: null } },
  ];
  const ref = (kind: string, id: string) => ({ body: { '@odata.id': `https://graph.microsoft.com/v1.0/${kind}/${id}` } });
  const authorize = {
    response_type: 'code',
    client_id: 'openpim-cli',
    redirect_uri: 'http://127.0.0.1:8400/callback',
    state: 's',
    code_challenge: 'A'.repeat(43),
    code_challenge_method: 'S256',
    csrf_token: 'x',
    decision: 'allow',
  };
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const scimUser = {
    schemas: [SCIM_USER],
    userName: 'fuzz@contoso.test',
    externalId: 'ext-fuzz',
    name: { givenName: 'Fuzz', familyName: 'Er' },
    emails: [{ value: 'fuzz@contoso.test', type: 'work', primary: true }],
    active: true,
  };
  const scimGroup = { schemas: [SCIM_GROUP], displayName: 'Fuzzers', externalId: 'g-fuzz', members: [{ value: w.alice.id }] };
  const scimPatch = (value: unknown, path: string) => ({ body: { schemas: [SCIM_PATCH], Operations: [{ op: 'Replace', path, value }] }, contentType: SCIM });
  return {
    'POST /v1.0/users': [
      {
        body: {
          displayName: 'Fuzz',
          userPrincipalName: 'fuzz.user@contoso.test',
          mail: 'fuzz@contoso.test',
          accountEnabled: true,
          passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
        },
      },
    ],
    'PATCH /v1.0/users/:id': [{ body: { accountEnabled: true } }, { body: { passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false } } }],
    'PUT /v1.0/users/:id/manager/$ref': [ref('users', w.manager.id)],
    'POST /v1.0/groups': [{ body: { displayName: 'Fuzzers', description: 'made by the fuzzer', isAssignableToRole: false } }],
    'POST /v1.0/groups/:id/members/$ref': [ref('directoryObjects', w.alice.id)],
    'POST /v1.0/directory/administrativeUnits': [{ body: { displayName: 'Fuzz unit', description: null } }],
    [`POST ${REQ}/roleDefinitions`]: [
      {
        body: {
          displayName: 'Fuzz role',
          description: 'fuzz',
          isEnabled: true,
          rolePermissions: [{ allowedResourceActions: ['openpim.directory/users/read'] }],
        },
      },
    ],
    [`POST ${REQ}/roleAssignmentScheduleRequests`]: requestSeeds('role', 'assignment'),
    [`POST ${REQ}/roleEligibilityScheduleRequests`]: requestSeeds('role', 'eligibility'),
    [`POST ${GRP}/assignmentScheduleRequests`]: requestSeeds('group', 'assignment'),
    [`POST ${GRP}/eligibilityScheduleRequests`]: requestSeeds('group', 'eligibility'),
    [`PATCH ${POLICIES}/:id/rules/:ruleId`]: [
      rule('Expiration', 'Expiration_EndUser_Assignment', { isExpirationRequired: true, maximumDuration: 'PT8H' }),
      rule('Expiration', 'Expiration_Admin_Eligibility', { isExpirationRequired: false, maximumDuration: 'P365D' }),
      rule('Enablement', 'Enablement_EndUser_Assignment', { enabledRules: ['MultiFactorAuthentication', 'Justification'] }),
      rule('AuthenticationContext', 'AuthenticationContext_EndUser_Assignment', { isEnabled: false, claimValue: null }),
    ],
    [`PATCH /beta${REQ.slice(5)}/roleAssignmentApprovals/:id/steps/:stepId`]: review(x.pendingApprovalId),
    // The group's approval waits for Dave: the administrator is refused, which is the point of fuzzing it.
    [`PATCH ${GRP}/assignmentApprovals/:id/steps/:stepId`]: review(w.groupApprovalId),
    [`PATCH ${GRP}/assignmentApprovals/:id/stages/:stepId`]: review(w.groupApprovalId),
    'POST /openpim/policies': [{ body: { roleDefinitionId: ROLE.reader, scopeId: '/subscriptions/s1' } }],
    'POST /openpim/access/check': [
      { body: { principalId: w.alice.id, action: 'openpim.directory/users/read', scope: '/' } },
      { body: { principalId: w.alice.id, action: 'openpim.groups/members/update', scope: groupScope(w.group.id) } },
    ],
    'POST /openpim/scopes': [{ body: { id: '/subscriptions/fuzz/resourceGroups/rg1', displayName: 'Fuzz' } }],
    'POST /openpim/approvals/act': [{ body: { justification: 'ok' }, query: 'token=not-a-link' }, { body: { token: 'x.y.z', justification: null } }],
    'POST /openpim/auth/signin': [{ body: signIn }, { body: { ...signIn, totp: '123456', tenantId: x.tenantId } }],
    'POST /openpim/auth/session': [{ body: signIn }],
    'POST /openpim/auth/signout': [{ body: {} }],
    // The ordinary user has an authenticator app (fuzz/world.ts): a wrong code reaches the check, and counts towards the lockout.
    'POST /openpim/auth/stepup': [
      { as: 'user', body: { totp: '123456' } },
      { as: 'user', body: { recoveryCode: 'AAAA-AAAA-AAAA-AAAA' } },
    ],
    'POST /openpim/auth/authorize': [{ form: authorize }],
    'POST /openpim/auth/webauthn/register/options': [{ body: {} }],
    'POST /openpim/auth/webauthn/register/verify': [{ body: { displayName: 'Fuzz key', response: x.registration } }],
    'POST /openpim/auth/webauthn/stepup/options': [{ body: {} }],
    'POST /openpim/auth/webauthn/stepup': [{ body: { response: x.assertion } }],
    'POST /openpim/me/authentication/totp': [{ body: {} }],
    'POST /openpim/me/authentication/totp/confirm': [{ as: 'user', body: { code: '123456' } }],
    'POST /openpim/me/authentication/recoveryCodes': [{ as: 'user', body: {} }],
    'POST /openpim/scim/tokens': [{ body: { displayName: 'Fuzz IdP', endDateTime: '2026-06-01T00:00:00Z' } }],
    // The token endpoint, each grant type and each way a client authenticates.
    'POST /openpim/oauth2/token': [
      { form: { grant_type: 'client_credentials', client_id: w.sp.id, client_secret: w.sp.secret, scope: 'https://graph.microsoft.com/.default' } },
      { as: 'anonymous', form: { grant_type: 'client_credentials' }, headers: { authorization: basic(w.sp.id, w.sp.secret) } },
      {
        form: {
          grant_type: 'client_credentials',
          client_id: w.sp.id,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.AAAA',
        },
      },
      {
        form: {
          grant_type: 'authorization_code',
          client_id: 'openpim-cli',
          code: 'not-a-code',
          redirect_uri: 'http://127.0.0.1:8400/callback',
          code_verifier: 'v'.repeat(43),
        },
      },
      { form: { grant_type: 'refresh_token', refresh_token: 'x' } },
    ],
    'POST /v1.0/servicePrincipals': [{ body: { displayName: 'Fuzz app', description: null, accountEnabled: true } }],
    'POST /v1.0/servicePrincipals/:id/addPassword': [{ body: { passwordCredential: { displayName: 'fuzz', endDateTime: '2026-12-31T00:00:00Z' } } }],
    'POST /v1.0/servicePrincipals/:id/removePassword': [{ body: { keyId: x.secretKeyId } }],
    'POST /v1.0/servicePrincipals/:id/addKey': [{ body: addKeyBody }],
    'POST /v1.0/servicePrincipals/:id/removeKey': [{ body: { keyId: x.certKeyId, proof: null } }],
    'POST /scim/v2/Users': [{ body: scimUser, contentType: SCIM }],
    'PUT /scim/v2/Users/:id': [
      {
        params: { id: w.dave.id },
        body: { ...scimUser, userName: w.dave.userPrincipalName, externalId: 'ext-dave', emails: [{ value: w.dave.userPrincipalName, primary: true }] },
        contentType: SCIM,
      },
    ],
    'PATCH /scim/v2/Users/:id': [
      scimPatch('Fuzzed', 'displayName'),
      scimPatch(false, 'active'),
      { body: { schemas: [SCIM_PATCH], Operations: [{ op: 'Add', path: 'name.givenName', value: 'F' }] }, contentType: SCIM },
    ],
    'POST /scim/v2/Groups': [{ body: scimGroup, contentType: SCIM }],
    'PUT /scim/v2/Groups/:id': [
      { params: { id: w.group.id }, body: { ...scimGroup, displayName: w.group.displayName, externalId: 'g-operators' }, contentType: SCIM },
    ],
    'PATCH /scim/v2/Groups/:id': [
      {
        body: {
          schemas: [SCIM_PATCH],
          Operations: [
            { op: 'Add', path: 'members', value: [{ value: w.dave.id }] },
            { op: 'Remove', path: `members[value eq "${w.alice.id}"]` },
          ],
        },
        contentType: SCIM,
      },
      scimPatch('Renamed', 'displayName'),
    ],
  };
}

/**
 * Values for a route's path parameters that name something real (fuzz/requests.ts mixes in hostile
 * ones). Chosen so a successful fuzzed write lands on the world's bystanders (Alice, Dave, the
 * groups), never on the callers, whose being disabled would blind the rest of the run.
 */
export function paramValuesOf(x: FuzzExtras): (path: string, name: string) => readonly string[] {
  const anyId = [w.alice.id, w.dave.id, w.group.id, w.sp.id, ROLE.helpdeskAdministrator, w.approvalId];
  return (path, name) => {
    if (path.startsWith('/v1.0/users/')) return name === 'id' ? [w.alice.id, w.dave.id, w.manager.id] : anyId;
    if (path.startsWith('/v1.0/groups/')) return name === 'id' ? [w.group.id, w.roleGroup.id] : [w.alice.id, w.dave.id];
    if (path.includes('ScheduleRequests/')) return Object.values(w.aliceRequests).map((r) => r.id);
    if (path.includes('/rules/'))
      return name === 'id'
        ? [w.tenantPolicyId, w.groupPolicyId]
        : [
            'Expiration_EndUser_Assignment',
            'Enablement_EndUser_Assignment',
            'AuthenticationContext_EndUser_Assignment',
            'Approval_EndUser_Assignment',
            'Expiration_Admin_Eligibility',
          ];
    if (path.includes('Approvals/')) return name === 'id' ? [w.approvalId, w.groupApprovalId] : ['1', '2', '0'];
    if (path.startsWith('/v1.0/servicePrincipals/')) return [w.sp.id];
    if (path.startsWith('/openpim/scim/tokens/')) return [x.spareScimTokenId];
    if (path.startsWith('/openpim/users/')) return [w.alice.id, w.dave.id];
    if (path.startsWith('/scim/v2/Groups/')) return [w.group.id];
    if (path.startsWith('/scim/v2/Users/')) return [w.alice.id, w.dave.id];
    if (path.startsWith('/openpim/me/authentication/webauthn/')) return ['AAAA'];
    if (path.startsWith('/openpim/scopes/') || path.startsWith('/openpim/access/scopes/')) return ['subscriptions/s1', '', groupScope(w.group.id).slice(1)];
    if (path.includes('Schedules/') || path.includes('ScheduleInstances/')) return Object.values(w.aliceSchedules);
    if (path.startsWith('/v1.0/policies/roleManagementPolicyAssignments/')) return [`${w.tenantPolicyId}_${ROLE.helpdeskAdministrator}`];
    if (path.startsWith('/v1.0/policies/')) return [w.tenantPolicyId];
    if (path.startsWith('/v1.0/auditLogs/')) return [w.auditId];
    if (path.includes('roleDefinitions/')) return [ROLE.globalAdministrator, GROUP_ROLE.member];
    return anyId;
  };
}
