/**
 * Microsoft's kiota-based Graph SDKs (`@microsoft/msgraph-sdk`, `@microsoft/msgraph-beta-sdk`)
 * pointed at OpenPIM on loopback: the SDK's own client (`createGraphServiceClient`), request
 * adapter (`GraphRequestAdapter`: kiota's fetch adapter with Graph's middleware), serializers and
 * models, and a bearer-token provider.
 *
 * The fluent request builders of the PIM paths ship in packages of their own
 * (`@microsoft/msgraph-sdk-roleManagement`, `…-identityGovernance`, `…-policies`) that the package
 * registry this project installs from does not carry. So the PIM part of the fluent API is declared
 * here the way those packages declare it — kiota navigation and request metadata, handed to the
 * SDK's `extendGraphServiceClient` — with Graph's URI templates (`{+baseurl}/roleManagement/
 * directory/roleEligibilitySchedules/$count{?%24filter,%24search}`), builder names
 * (`byUnifiedRoleEligibilityScheduleId`, `filterByCurrentUserWithOn`, `count`), Accept headers and
 * the models' own factories and serializers. A call then goes through the same kiota code a
 * generated builder runs: URI template expansion, query parameter mapping, body serialization,
 * response parsing into the models, and `ODataError` for 4xx/5xx.
 *
 * @example
 *   const graph = await kiotaGraph(baseUrl, () => api.token(alice));
 *   const n = await graph.roleManagement.directory.roleEligibilitySchedules.count.get({ queryParameters: { filter: "principalId eq '…'" } });
 *   const who = await graph.roleManagement.directory.roleAssignments.byUnifiedRoleAssignmentId(id).principal.get();
 */
import type { AuthenticationProvider, NavigationMetadata, Parsable, ParsableFactory, RequestsMetadata } from '@microsoft/kiota-abstractions';
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, extendGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import { createGraphBetaServiceClient, extendGraphBetaServiceClient, GraphBetaRequestAdapter } from '@microsoft/msgraph-beta-sdk';

/**
 * A fluent builder of the kiota SDK: untyped here, since its types live in the builder packages
 * (and the models' 18 MB of declarations are not worth TypeScript's time).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fluent = any;

type Models = Readonly<Record<string, unknown>>;
// Loaded by name so TypeScript does not parse the packages' declarations.
const MODELS = { 'v1.0': '@microsoft/msgraph-sdk/models/index.js', beta: '@microsoft/msgraph-beta-sdk/models/index.js' } as const;
const ERRORS = { 'v1.0': '@microsoft/msgraph-sdk/models/oDataErrors/index.js', beta: '@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js' } as const;

const LIST_QUERY = '{?%24count,%24expand,%24filter,%24orderby,%24search,%24select,%24skip,%24top}';
const ITEM_QUERY = '{?%24expand,%24select}';
const LIST_MAPPER = {
  count: '%24count',
  expand: '%24expand',
  filter: '%24filter',
  orderby: '%24orderby',
  search: '%24search',
  select: '%24select',
  skip: '%24skip',
  top: '%24top',
};
const ITEM_MAPPER = { expand: '%24expand', select: '%24select' };

/** An item's navigation: a single entity of a model type, or an action (POST, no content). */
type ItemNavigation = { readonly type: string } | { readonly action: true };

interface CollectionSpec {
  /** The model of an item: `UnifiedRoleEligibilitySchedule`. */
  readonly type: string;
  /** Writes the collection takes: `post` (create), and on items `patch` and `delete`. */
  readonly post?: boolean;
  readonly patch?: boolean;
  readonly delete?: boolean;
  readonly filterByCurrentUser?: boolean;
  readonly navigations?: Readonly<Record<string, ItemNavigation>>;
  /** Collections below an item (`stages`, `rules`, `inheritsPermissionsFrom`). */
  readonly children?: Readonly<Record<string, CollectionSpec>>;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Builds kiota metadata for Graph paths, with one models module's factories and serializers. */
function metadataOf(models: Models, errors: Models) {
  const errorMappings = { XXX: errors.createODataErrorFromDiscriminatorValue as ParsableFactory<Parsable> };
  const factory = (type: string) => {
    const f = models[`create${type}FromDiscriminatorValue`];
    if (!f) throw new Error(`the models have no ${type}`);
    return f as ParsableFactory<Parsable>;
  };
  const serializer = (type: string) => models[`serialize${type}`] as never;
  const get = (uriTemplate: string, type: string, queryParametersMapper: Record<string, string>) => ({
    uriTemplate,
    responseBodyContentType: 'application/json',
    errorMappings,
    adapterMethodName: 'send' as const,
    responseBodyFactory: factory(type),
    queryParametersMapper,
  });
  const withBody = (uriTemplate: string, type: string) => ({
    uriTemplate,
    responseBodyContentType: 'application/json',
    errorMappings,
    adapterMethodName: 'send' as const,
    responseBodyFactory: factory(type),
    requestBodyContentType: 'application/json',
    requestBodySerializer: serializer(type),
    requestInformationContentSetMethod: 'setContentFromParsable' as const,
  });
  const noContent = (uriTemplate: string) => ({
    uriTemplate,
    responseBodyContentType: 'application/json',
    errorMappings,
    adapterMethodName: 'sendNoResponseContent' as const,
  });

  function collection(path: string, spec: CollectionSpec): NavigationMetadata {
    const item = `${path}/{${lowerFirst(spec.type)}%2Did}`;
    const itemRequests: RequestsMetadata = { get: get(`${item}${ITEM_QUERY}`, spec.type, ITEM_MAPPER) };
    if (spec.patch) itemRequests.patch = withBody(`${item}${ITEM_QUERY}`, spec.type);
    if (spec.delete) itemRequests.delete = noContent(`${item}${ITEM_QUERY}`);
    const itemNavigation: Record<string, NavigationMetadata> = {};
    for (const [name, nav] of Object.entries(spec.navigations ?? {})) {
      itemNavigation[name] =
        'action' in nav
          ? { requestsMetadata: { post: noContent(`${item}/${name}`) } }
          : { requestsMetadata: { get: get(`${item}/${name}${ITEM_QUERY}`, nav.type, ITEM_MAPPER) } };
    }
    // v1.0 has approval `stages`, beta `steps`: a child whose model this version lacks is left out.
    for (const [name, child] of Object.entries(spec.children ?? {})) {
      if (models[`create${child.type}CollectionResponseFromDiscriminatorValue`]) itemNavigation[name] = collection(`${item}/${name}`, child);
    }
    const requestsMetadata: RequestsMetadata = { get: get(`${path}${LIST_QUERY}`, `${spec.type}CollectionResponse`, LIST_MAPPER) };
    if (spec.post) requestsMetadata.post = withBody(`${path}${LIST_QUERY}`, spec.type);
    const navigationMetadata: Record<string, NavigationMetadata> = {
      count: {
        requestsMetadata: {
          get: {
            uriTemplate: `${path}/$count{?%24filter,%24search}`,
            responseBodyContentType: 'text/plain;q=0.9',
            errorMappings,
            adapterMethodName: 'sendPrimitive',
            responseBodyFactory: 'number',
            queryParametersMapper: { filter: '%24filter', search: '%24search' },
          },
        },
      },
      [`by${spec.type}Id`]: { requestsMetadata: itemRequests, navigationMetadata: itemNavigation, pathParametersMappings: [`${lowerFirst(spec.type)}%2Did`] },
    };
    if (spec.filterByCurrentUser) {
      navigationMetadata.filterByCurrentUserWithOn = {
        requestsMetadata: { get: get(`${path}/filterByCurrentUser(on='{on}')${LIST_QUERY}`, `${spec.type}CollectionResponse`, LIST_MAPPER) },
        pathParametersMappings: ['on'],
      };
    }
    return { requestsMetadata, navigationMetadata };
  }
  return collection;
}

const DIRECTORY_SCOPES = { directoryScope: { type: 'DirectoryObject' }, appScope: { type: 'AppScope' } } as const;
const ROLE_NAVS = { principal: { type: 'DirectoryObject' }, roleDefinition: { type: 'UnifiedRoleDefinition' }, ...DIRECTORY_SCOPES } as const;

/** The PIM paths of Graph (v1.0, and the same in beta) as kiota navigation metadata. */
function pimPaths(models: Models, errors: Models): Record<string, NavigationMetadata> {
  const collection = metadataOf(models, errors);
  const singleton = (navigationMetadata: Record<string, NavigationMetadata>): NavigationMetadata => ({ navigationMetadata });
  const root = '{+baseurl}';
  const dir = `${root}/roleManagement/directory`;
  const grp = `${root}/identityGovernance/privilegedAccess/group`;
  const mine = { filterByCurrentUser: true } as const;
  const approval: CollectionSpec = {
    type: 'Approval',
    filterByCurrentUser: true,
    children: { stages: { type: 'ApprovalStage', patch: true }, steps: { type: 'ApprovalStep', patch: true } },
  };
  const directory = singleton({
    roleDefinitions: collection(`${dir}/roleDefinitions`, {
      type: 'UnifiedRoleDefinition',
      post: true,
      patch: true,
      delete: true,
      children: { inheritsPermissionsFrom: { type: 'UnifiedRoleDefinition' } },
    }),
    roleAssignments: collection(`${dir}/roleAssignments`, { type: 'UnifiedRoleAssignment', post: true, delete: true, navigations: ROLE_NAVS }),
    roleAssignmentScheduleRequests: collection(`${dir}/roleAssignmentScheduleRequests`, {
      type: 'UnifiedRoleAssignmentScheduleRequest',
      post: true,
      ...mine,
      navigations: {
        ...ROLE_NAVS,
        activatedUsing: { type: 'UnifiedRoleEligibilitySchedule' },
        targetSchedule: { type: 'UnifiedRoleAssignmentSchedule' },
        cancel: { action: true },
      },
    }),
    roleEligibilityScheduleRequests: collection(`${dir}/roleEligibilityScheduleRequests`, {
      type: 'UnifiedRoleEligibilityScheduleRequest',
      post: true,
      ...mine,
      navigations: { ...ROLE_NAVS, targetSchedule: { type: 'UnifiedRoleEligibilitySchedule' }, cancel: { action: true } },
    }),
    roleAssignmentSchedules: collection(`${dir}/roleAssignmentSchedules`, {
      type: 'UnifiedRoleAssignmentSchedule',
      ...mine,
      navigations: { ...ROLE_NAVS, activatedUsing: { type: 'UnifiedRoleEligibilitySchedule' } },
    }),
    roleEligibilitySchedules: collection(`${dir}/roleEligibilitySchedules`, { type: 'UnifiedRoleEligibilitySchedule', ...mine, navigations: ROLE_NAVS }),
    roleAssignmentScheduleInstances: collection(`${dir}/roleAssignmentScheduleInstances`, {
      type: 'UnifiedRoleAssignmentScheduleInstance',
      ...mine,
      navigations: { ...ROLE_NAVS, activatedUsing: { type: 'UnifiedRoleEligibilityScheduleInstance' } },
    }),
    roleEligibilityScheduleInstances: collection(`${dir}/roleEligibilityScheduleInstances`, {
      type: 'UnifiedRoleEligibilityScheduleInstance',
      ...mine,
      navigations: ROLE_NAVS,
    }),
    // Beta only in Graph; harmless to declare for v1.0.
    roleAssignmentApprovals: collection(`${dir}/roleAssignmentApprovals`, approval),
  });
  const groupNavs = { principal: { type: 'DirectoryObject' }, group: { type: 'Group' } } as const;
  const group = singleton({
    assignmentScheduleRequests: collection(`${grp}/assignmentScheduleRequests`, {
      type: 'PrivilegedAccessGroupAssignmentScheduleRequest',
      post: true,
      ...mine,
      navigations: {
        ...groupNavs,
        activatedUsing: { type: 'PrivilegedAccessGroupEligibilitySchedule' },
        targetSchedule: { type: 'PrivilegedAccessGroupAssignmentSchedule' },
        cancel: { action: true },
      },
    }),
    eligibilityScheduleRequests: collection(`${grp}/eligibilityScheduleRequests`, {
      type: 'PrivilegedAccessGroupEligibilityScheduleRequest',
      post: true,
      ...mine,
      navigations: { ...groupNavs, targetSchedule: { type: 'PrivilegedAccessGroupEligibilitySchedule' }, cancel: { action: true } },
    }),
    assignmentSchedules: collection(`${grp}/assignmentSchedules`, {
      type: 'PrivilegedAccessGroupAssignmentSchedule',
      ...mine,
      navigations: { ...groupNavs, activatedUsing: { type: 'PrivilegedAccessGroupEligibilitySchedule' } },
    }),
    eligibilitySchedules: collection(`${grp}/eligibilitySchedules`, { type: 'PrivilegedAccessGroupEligibilitySchedule', ...mine, navigations: groupNavs }),
    assignmentScheduleInstances: collection(`${grp}/assignmentScheduleInstances`, {
      type: 'PrivilegedAccessGroupAssignmentScheduleInstance',
      ...mine,
      navigations: { ...groupNavs, activatedUsing: { type: 'PrivilegedAccessGroupEligibilityScheduleInstance' } },
    }),
    eligibilityScheduleInstances: collection(`${grp}/eligibilityScheduleInstances`, {
      type: 'PrivilegedAccessGroupEligibilityScheduleInstance',
      ...mine,
      navigations: groupNavs,
    }),
    assignmentApprovals: collection(`${grp}/assignmentApprovals`, approval),
  });
  const policies = singleton({
    roleManagementPolicies: collection(`${root}/policies/roleManagementPolicies`, {
      type: 'UnifiedRoleManagementPolicy',
      children: { rules: { type: 'UnifiedRoleManagementPolicyRule', patch: true }, effectiveRules: { type: 'UnifiedRoleManagementPolicyRule' } },
    }),
    roleManagementPolicyAssignments: collection(`${root}/policies/roleManagementPolicyAssignments`, {
      type: 'UnifiedRoleManagementPolicyAssignment',
      navigations: { policy: { type: 'UnifiedRoleManagementPolicy' } },
    }),
  });
  return {
    roleManagement: singleton({ directory }),
    identityGovernance: singleton({ privilegedAccess: singleton({ group }) }),
    policies,
  };
}

/** Sets `Authorization: Bearer …` from the test's token source (kiota allows plain http on loopback only). */
function bearer(token: () => Promise<string>): AuthenticationProvider {
  return new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: () => token(),
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set(['127.0.0.1'])),
  });
}

let extended: Promise<void> | null = null;
/** Extends both SDKs' clients with the PIM paths, once per process (the SDKs keep them in module state). */
function extendOnce(): Promise<void> {
  extended ??= (async () => {
    const [v1, v1Errors, beta, betaErrors] = (await Promise.all([
      import(MODELS['v1.0']),
      import(ERRORS['v1.0']),
      import(MODELS.beta),
      import(ERRORS.beta),
    ])) as Models[];
    extendGraphServiceClient(pimPaths(v1!, v1Errors!) as never);
    extendGraphBetaServiceClient(pimPaths(beta!, betaErrors!) as never);
  })();
  return extended;
}

/** The kiota Graph client of `version` for OpenPIM at `baseUrl` (http://127.0.0.1:PORT). */
export async function kiotaGraph(baseUrl: string, token: () => Promise<string>, version: 'v1.0' | 'beta' = 'v1.0'): Promise<Fluent> {
  await extendOnce();
  if (version === 'beta') {
    const adapter = new GraphBetaRequestAdapter(bearer(token));
    adapter.baseUrl = `${baseUrl}/beta`;
    return createGraphBetaServiceClient(adapter);
  }
  const adapter = new GraphRequestAdapter(bearer(token));
  adapter.baseUrl = `${baseUrl}/v1.0`;
  return createGraphServiceClient(adapter);
}

/** The ODataError a kiota call rejects with: its status and Graph error code (fails the test if the call resolves). */
export async function kiotaFailure(
  call: Promise<unknown>,
): Promise<{ readonly status: number; readonly code: string | undefined; readonly message: string | undefined }> {
  try {
    await call;
  } catch (error) {
    // kiota's ODataError: the status, and Graph's `error` as `errorEscaped` (`error` is a reserved name).
    const e = error as { responseStatusCode?: number; errorEscaped?: { code?: string; message?: string }; message?: string };
    if (e.responseStatusCode === undefined) throw error;
    return { status: e.responseStatusCode, code: e.errorEscaped?.code ?? undefined, message: e.errorEscaped?.message ?? e.message };
  }
  throw new Error('expected the Graph call to fail, but it succeeded');
}
