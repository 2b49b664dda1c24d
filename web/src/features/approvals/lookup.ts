/**
 * From an approval id (the address in email and chat: /approvals/{approvalId}) to its request.
 * The approval says which provider it belongs to (roles answer under /beta/roleManagement, groups
 * under privilegedAccess/group); the request is found where the caller may read it: the approver
 * inbox while it waits, their own requests, or — for administrators and readers — the whole
 * collection. An approver who is none of these sees the approval without the request's details.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, odataString, type Collection } from '../../lib/api-client.ts';
import { approvalPath, type Approval } from '../requests/api.ts';
import { SOURCES, type RawRequest } from '../requests/api.ts';
import { approvalKeys, listOptions, toApprovable, type ApprovableRequest, type Provider } from './api.ts';

export interface ApprovalLookup {
  readonly provider: Provider;
  /** Null when the caller may see the approval but not its request (a past decision of a non-reader). */
  readonly request: ApprovableRequest | null;
  /**
   * False when the request is as it was last seen: an approver who is not a reader loses sight of
   * it once it leaves their inbox (their decision, for one), so its status may be out of date.
   */
  readonly current: boolean;
}

const notFound = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 403);

/** The provider whose approvals collection knows this id (`likely` is asked first). */
async function providerOf(approvalId: string, likely: Provider): Promise<Provider> {
  const other: Provider = likely === 'directory' ? 'group' : 'directory';
  try {
    await api<Approval>(approvalPath(likely, approvalId));
    return likely;
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  await api<Approval>(approvalPath(other, approvalId)); // its 404 is the page's answer
  return other;
}

const VIEWS = ["/filterByCurrentUser(on='approver')", "/filterByCurrentUser(on='principal')", ''] as const;

async function requestOf(client: QueryClient, provider: Provider, approvalId: string): Promise<ApprovableRequest | null> {
  const inbox = client.getQueryState<readonly ApprovableRequest[]>(approvalKeys.inbox());
  const cached = inbox && !inbox.isInvalidated ? inbox.data?.find((r) => r.approvalId === approvalId) : undefined;
  if (cached) return cached;
  const filter = `$filter=${encodeURIComponent(`approvalId eq ${odataString(approvalId)}`)}`;
  const attempts = SOURCES.filter((s) => s.provider === provider).flatMap((s) =>
    VIEWS.map(async (view) => {
      const options = listOptions(s);
      try {
        const page = await api<Collection<RawRequest>>(`${s.path}${view}?${filter}&$top=1${options ? `&${options}` : ''}`);
        return page.value.map(toApprovable(s))[0] ?? null;
      } catch (e) {
        // The whole collection is for readers only: a 403 there just means "not this way".
        if (notFound(e)) return null;
        throw e;
      }
    }),
  );
  return (await Promise.all(attempts)).find((r) => r !== null) ?? null;
}

/** Which provider an approval belongs to, and its request when the caller may read it. */
export function useApprovalLookup(approvalId: string, likely: Provider = 'directory') {
  const client = useQueryClient();
  return useQuery({
    queryKey: approvalKeys.lookup(approvalId),
    queryFn: async (): Promise<ApprovalLookup> => {
      const provider = await providerOf(approvalId, likely);
      const request = await requestOf(client, provider, approvalId);
      const before = client.getQueryData<ApprovalLookup>(approvalKeys.lookup(approvalId))?.request ?? null;
      return request ? { provider, request, current: true } : { provider, request: before, current: false };
    },
    staleTime: 10_000,
    enabled: approvalId !== '',
  });
}
