/** The browser session: who is signed in, until when, and the CSRF token that goes with the cookie. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../../lib/api-client.ts';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly amr: readonly string[];
  readonly acrs: readonly string[];
  readonly authDateTime: string | null;
  readonly expiresDateTime: string;
  readonly idleExpiresDateTime: string | null;
  readonly csrfToken?: string;
}

export interface Me {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string | null;
}

export const sessionKeys = { session: ['session'] as const, me: ['me'] as const };

/** The current session; null when nobody is signed in (401). */
export function useSession() {
  return useQuery({
    queryKey: sessionKeys.session,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api<Session>('/openpim/auth/session');
        setCsrfToken(session.csrfToken ?? null);
        return session;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 400)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useMe(enabled: boolean) {
  return useQuery({ queryKey: sessionKeys.me, queryFn: () => api<Me>('/v1.0/me'), enabled, staleTime: 300_000 });
}

export interface SignInInput {
  readonly userPrincipalName: string;
  readonly password: string;
  readonly totp?: string;
}

interface SignInAnswer {
  readonly csrfToken: string;
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SignInInput) => api<SignInAnswer>('/openpim/auth/session', { method: 'POST', body: input }),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrfToken);
      client.clear();
      await client.invalidateQueries({ queryKey: sessionKeys.session });
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/openpim/auth/signout', { method: 'POST', body: {} }),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(sessionKeys.session, null);
    },
  });
}

/** Has the session a recent multi-factor sign-in? (The policy decides how recent; this is a hint.) */
export const hasMfa = (session: Session | null | undefined): boolean => session?.amr.includes('mfa') ?? false;
