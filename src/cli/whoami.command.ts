/** `openpim whoami`: who the stored token signs in as (`GET /v1.0/me`), and how strongly. */
import { Command } from 'commander';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson } from './client/table.ts';
import { signInStrength, tokenClaims } from './client/token-claims.ts';

interface Me {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
}

export function whoamiCommand(): Command {
  return outputOption(serverOption(new Command('whoami')).description('show the signed-in user')).action(
    async (options: OutputOptions & { server?: string }) => {
      const session = await openSession(options);
      const me = await session.client.call<Me>('GET', '/v1.0/me');
      const claims = tokenClaims(session.credentials().accessToken);
      const signIn = {
        mfa: claims?.amr.includes('mfa') ?? false,
        amr: claims?.amr ?? [],
        authDateTime: claims?.authTime?.toISOString() ?? null,
        expiresDateTime: session.credentials().expiresDateTime,
      };
      if (isJson(options)) {
        printJson({ server: session.server, user: { id: me.id, displayName: me.displayName, userPrincipalName: me.userPrincipalName, mail: me.mail }, signIn });
        return;
      }
      process.stdout.write(
        `${me.displayName} (${me.userPrincipalName ?? me.id})\n` +
          `  id:      ${me.id}\n` +
          `  server:  ${session.server}\n` +
          `  sign-in: ${signInStrength(claims)}${signIn.authDateTime ? ` at ${signIn.authDateTime}` : ''}, valid until ${signIn.expiresDateTime}\n`,
      );
    },
  );
}
