/**
 * Account administration: PATCH /v1.0/users/{id} with `passwordProfile` (set or reset the password)
 * and `accountEnabled`, an administrator's view of a user's authentication methods, and their
 * removal of a user's authenticator app (a lost phone).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { userAuthenticationMethods } from '../../app/identity/authentication-methods.ts';
import { getPrincipal } from '../../app/queries/directory.ts';
import { removeTotp } from '../../app/identity/remove-totp.ts';
import { updateAccount } from '../../app/identity/update-account.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { userAuthenticationMethodsShape } from '../shapes/authentication-methods.ts';
import { parseBody } from '../validation.ts';

const updateUserBody = z
  .strictObject({
    accountEnabled: z.boolean().optional(),
    passwordProfile: z
      .strictObject({
        password: z.string().min(1).max(1024),
        forceChangePasswordNextSignIn: z.literal(false, 'is not supported yet: users cannot change their own password').optional(),
      })
      .optional(),
  })
  .refine(
    (b) => b.accountEnabled !== undefined || b.passwordProfile !== undefined,
    'give accountEnabled or passwordProfile (the properties OpenPIM lets you change)',
  );

const PRIVILEGED =
  'A user who is break-glass, or holds or may activate a privileged role, needs a Privileged Authentication Administrator ' +
  '(password, authenticator) or a Global Administrator (accountEnabled).';

export function accountRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.patch<{ Params: { id: string } }>(
    '/v1.0/users/:id',
    doc({
      summary: "Update a user's password or accountEnabled",
      tags: ['directory'],
      params: { id: 'The user id or user principal name.' },
      body: updateUserBody,
      notes:
        'Sets or resets the password (`passwordProfile.password`, at least 8 characters; hashed with argon2id; clears a lockout) ' +
        `and/or enables or disables the account (a disabled account cannot sign in and its tokens stop working). ${PRIVILEGED}`,
      responses: {
        204: 'Updated.',
        400: '`Request_BadRequest`: a password shorter than 8 or longer than 256 characters, disabling your own or a break-glass account.',
        403: '`Authorization_RequestDenied`: not allowed to change this user (Helpdesk or Authentication Administrator for passwords, User Administrator for accountEnabled).',
        404: '`Request_ResourceNotFound`: no such user, or passwords are not enabled on this server.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(updateUserBody, req.body);
      const user = await getPrincipal(deps.uow.read, req.caller, 'user', req.params.id);
      await updateAccount({ uow: deps.uow, clock: deps.clock, ...(deps.identity ? { passwords: deps.identity.passwords } : {}) }, req.caller, user.id, {
        ...(body.passwordProfile ? { password: body.passwordProfile.password } : {}),
        ...(body.accountEnabled !== undefined ? { accountEnabled: body.accountEnabled } : {}),
      });
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/openpim/users/:id/authentication/methods',
    doc({
      summary: "A user's authentication methods",
      tags: ['identity'],
      params: { id: 'The user id or user principal name.' },
      notes:
        'OpenPIM extension: what `GET /openpim/me/authentication/methods` answers the user, for an administrator who may change ' +
        "the user's password, authenticator app, account or sessions (User, Helpdesk, Authentication, Privileged Authentication or Global " +
        'Administrator), plus how many passkeys and security keys they have and whether the account is break-glass or privileged — ' +
        `which decides who may change its credentials. Never returns a secret. ${PRIVILEGED}`,
      responses: {
        200: '`{passwordSetDateTime, totp: {id, confirmedDateTime, lastUsedDateTime} | null, pendingTotp, recoveryCodesRemaining, lastSignInDateTime, securityKeys, isBreakGlass, isPrivileged}`.',
        403: "`Authorization_RequestDenied`: not an administrator of users' credentials or accounts.",
        404: '`Request_ResourceNotFound`: no such user.',
      },
    }),
    async (req, reply) => {
      const user = await getPrincipal(deps.uow.read, req.caller, 'user', req.params.id);
      const methods = await userAuthenticationMethods(deps.uow.read, req.caller, user.id, deps.clock.now());
      return reply.header('cache-control', 'no-store').send(userAuthenticationMethodsShape(methods));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/openpim/users/:id/authentication/totp',
    doc({
      summary: "Remove a user's authenticator app",
      tags: ['identity'],
      params: { id: 'The user id.' },
      notes: `OpenPIM extension: for a lost phone. Removes the recovery codes too; the user enrolls again after signing in with the password. ${PRIVILEGED}`,
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied`: not an Authentication Administrator (or, for a privileged user, a Privileged Authentication Administrator).',
        404: '`Request_ResourceNotFound`: no such user, or the user has no authenticator app.',
      },
    }),
    async (req, reply) => {
      await removeTotp(deps, req.caller, req.params.id);
      return reply.status(204).send();
    },
  );
}
