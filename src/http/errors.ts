/**
 * The one table from core error codes to HTTP statuses, and Graph's error body. Unknown errors
 * become a 500 that names the request id and nothing of the internals.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, type ErrorCode } from '../domain/errors.ts';

export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  Request_BadRequest: 400,
  Request_UnsupportedQuery: 400,
  RequestBodyTooLarge: 400,
  InvalidScheduleInfo: 400,
  InvalidAuthenticationToken: 401,
  Authorization_RequestDenied: 403,
  SelfApprovalNotAllowed: 403,
  Request_ResourceNotFound: 404,
  RoleAssignmentDoesNotExist: 400,
  RoleAssignmentRequestPolicyValidationFailed: 400,
  RoleAssignmentRequestAcrsValidationFailed: 400,
  ActiveDurationTooShort: 400,
  ExtendWindowNotOpen: 400,
  RenewWindowClosed: 400,
  PrincipalCannotBeEligible: 400,
  GroupNotAssignableToRole: 400,
  LastPrivilegedRoleHolder: 409,
  LastGroupOwner: 409,
  RoleAssignmentExists: 409,
  PendingRoleAssignmentRequest: 409,
  RequestCannotBeCanceled: 409,
  ApproverAlreadyDecided: 409,
  ApprovalStepNotActive: 409,
  ObjectConflict: 409,
  ConcurrencyConflict: 409,
  RoleDefinitionHasAssignments: 409,
  ApprovalLinkInvalid: 400,
  ApprovalLinkExpired: 410,
  ApprovalLinkUsed: 409,
  InvalidCredentials: 400,
  AuthenticationMethodNotEnrolled: 400,
  TooManyRequests: 429,
  InvalidGrant: 400,
  InvalidCsrfToken: 403,
  IdentityProviderUnavailable: 503,
};

/** Where a token without MFA is exchanged for one with it (routes/auth.routes.ts). */
export const STEP_UP_PATH = '/openpim/auth/stepup';
/** Where a WebAuthn assertion is exchanged for a token with MFA and the contexts it satisfies (routes/webauthn.routes.ts). */
export const WEBAUTHN_STEP_UP_PATH = '/openpim/auth/webauthn/stepup';

export interface GraphError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

/** Fastify's own errors (bad JSON, oversize body, …) in Graph's terms. */
function fromFastify(error: { code?: string; statusCode?: number; message: string }): GraphError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 400, code: 'RequestBodyTooLarge', message: 'The request body is larger than the server accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'Request_BadRequest', message: 'Send the request body as application/json.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'Request_BadRequest', message: 'The request body is empty; a JSON object is expected.' };
    // The router's: the URL (not echoed, it may be long or binary) cannot be taken apart.
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'Request_BadRequest', message: 'The URL path is not valid: a segment is not well-formed percent-encoded UTF-8.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'Request_BadRequest', message: 'A segment of the URL path is longer than the server accepts.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    default:
      if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return { status: 400, code: 'Request_BadRequest', message: 'The request body is not valid JSON.' };
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return { status: error.statusCode, code: 'Request_BadRequest', message: error.message };
      }
      return null;
  }
}

export function toGraphError(error: unknown): GraphError {
  if (isDomainError(error)) {
    const headers: Record<string, string> = {};
    const retry = error.details.retryAfterSeconds;
    if (typeof retry === 'number') headers['retry-after'] = String(retry);
    if (error.code === 'InvalidAuthenticationToken') headers['www-authenticate'] = 'Bearer realm="openpim", error="invalid_token"';
    const failed = error.details.failedRules;
    if (Array.isArray(failed) && failed.includes('MfaRule')) {
      // A step-up challenge (RFC 6750 + claims challenge) naming where to complete it: POST a TOTP
      // or recovery code with the current token to the step-up endpoint, then retry with the new token.
      const claims = Buffer.from(JSON.stringify({ access_token: { amr: { essential: true, values: ['mfa'] } } })).toString('base64');
      headers['www-authenticate'] =
        `Bearer realm="openpim", error="insufficient_claims", ` +
        `error_description="multi-factor authentication required: POST a TOTP or recovery code to ${STEP_UP_PATH}", ` +
        `claims="${claims}", step_up_uri="${STEP_UP_PATH}"`;
    }
    const acrValues = error.details.acrValues;
    if (Array.isArray(acrValues) && acrValues.length > 0) {
      // RFC 9470: the token lacks an authentication context the policy names. One WebAuthn step-up
      // meets MfaRule too, so this challenge replaces the MFA one when both rules failed.
      const values = acrValues.map(String).filter((v) => /^[\w.:-]{1,128}$/.test(v));
      const claims = Buffer.from(JSON.stringify({ access_token: { acrs: { essential: true, values } } })).toString('base64');
      headers['www-authenticate'] =
        `Bearer realm="openpim", error="insufficient_user_authentication", ` +
        `error_description="authentication context ${values.join(' ')} required: step up with a factor that satisfies it (phishing-resistant: a security key or passkey at ${WEBAUTHN_STEP_UP_PATH})", ` +
        `acr_values="${values.join(' ')}", claims="${claims}", step_up_uri="${WEBAUTHN_STEP_UP_PATH}"`;
    }
    return { status: STATUS_OF[error.code], code: error.code, message: error.message, headers };
  }
  const fastify =
    error && typeof error === 'object' && 'message' in error ? fromFastify(error as { code?: string; statusCode?: number; message: string }) : null;
  return fastify ?? { status: 500, code: 'InternalServerError', message: 'An internal error occurred; quote the request-id to the operator.' };
}

/** An RFC 6749 §5.2 error, as the token endpoint answers. */
export interface OAuthError {
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly headers: Record<string, string>;
}

/**
 * The token endpoint's table: the same core errors in OAuth's terms. Anything else is a
 * `server_error` 500 (no internals); Fastify's body errors are an `invalid_request`.
 */
export function toOAuthError(error: unknown): OAuthError {
  if (isDomainError(error)) {
    const retry = error.details.retryAfterSeconds;
    switch (error.code) {
      case 'InvalidCredentials':
        return { status: 401, error: 'invalid_client', description: error.message, headers: { 'www-authenticate': 'Basic realm="openpim"' } };
      case 'Authorization_RequestDenied':
        return { status: 400, error: 'unauthorized_client', description: error.message, headers: {} };
      case 'TooManyRequests':
        return {
          status: 429,
          error: 'temporarily_unavailable',
          description: error.message,
          headers: typeof retry === 'number' ? { 'retry-after': String(retry) } : {},
        };
      case 'Request_BadRequest':
      case 'RequestBodyTooLarge':
        return { status: 400, error: 'invalid_request', description: error.message, headers: {} };
      case 'Request_ResourceNotFound':
        return { status: 404, error: 'invalid_request', description: error.message, headers: {} };
      case 'InvalidGrant':
        return { status: 400, error: 'invalid_grant', description: error.message, headers: {} };
      default:
        break;
    }
  }
  const graph = toGraphError(error);
  if (graph.status < 500) return { status: 400, error: 'invalid_request', description: graph.message, headers: {} };
  return { status: 500, error: 'server_error', description: 'An internal error occurred.', headers: {} };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const graph = toGraphError(error);
  if (graph.status >= 500) request.log.error({ err: error }, 'request failed');
  for (const [name, value] of Object.entries(graph.headers ?? {})) reply.header(name, value);
  return reply.status(graph.status).send({
    error: {
      code: graph.code,
      message: graph.message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': request.id,
        'client-request-id': request.headers['client-request-id'] ?? request.id,
      },
    },
  });
}
