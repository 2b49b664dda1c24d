/**
 * `openpim profile save|list|show|delete`: named sets of roles activated together
 * (`openpim activate --profile NAME --reason …`), kept in `profiles.json` of the config directory
 * (client/profiles-store.ts). Roles are checked when activated, on the server then in use.
 */
import { Command } from 'commander';
import { usageError } from './client/cli-error.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { checkProfileName, profilesStore, type Profile } from './client/profiles-store.ts';
import { isDuration } from '../domain/time.ts';
import { printJson, table } from './client/table.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const entryText = (e: Profile['entries'][number]) => (e.group ? `${e.role} of ${e.group}` : `${e.role}${e.scope && e.scope !== '/' ? ` at ${e.scope}` : ''}`);

export function profileCommand(): Command {
  const profile = new Command('profile').description('saved sets of roles to activate together (activate --profile NAME)');
  profile.addCommand(
    new Command('save')
      .description('save (or replace) a profile: roles activated together')
      .argument('<name>', 'profile name (letters, digits, . _ -)')
      .argument('<role...>', 'role display names or ids; with --group: member or owner')
      .option('--scope <scope>', 'directory scope: once for all roles, or once per role in order', collect, [])
      .option('--group <name|id>', 'PIM for Groups: the roles are member or owner of this group')
      .option('--duration <iso>', 'how long activations last by default (ISO-8601, e.g. PT2H)')
      .action(async (name: string, roles: string[], options: { scope: string[]; group?: string; duration?: string }) => {
        checkProfileName(name);
        if (options.scope.length > 1 && options.scope.length !== roles.length) throw usageError(`give --scope once, or once per role (${roles.length})`);
        if (options.group && options.scope.length) throw usageError('--group and --scope do not go together: a group is its own scope');
        if (options.duration !== undefined && !isDuration(options.duration))
          throw usageError(`--duration '${options.duration}' is not an ISO-8601 duration such as PT2H`);
        const entries = roles.map((role, i) => {
          const scope = options.scope.length > 1 ? options.scope[i] : options.scope[0];
          return { role, ...(options.group ? { group: options.group } : scope ? { scope } : {}) };
        });
        const store = profilesStore();
        await store.put(name, { entries, ...(options.duration ? { duration: options.duration } : {}), savedDateTime: new Date().toISOString() });
        process.stdout.write(`Profile ${name} saved: ${entries.map(entryText).join(', ')}.\n`);
      }),
  );
  profile.addCommand(
    outputOption(new Command('list').description('list your saved profiles')).action(async (options: OutputOptions) => {
      const profiles = await profilesStore().list();
      if (isJson(options)) {
        printJson(Object.entries(profiles).map(([name, p]) => ({ name, ...p })));
        return;
      }
      const names = Object.keys(profiles).sort();
      if (names.length === 0) {
        process.stdout.write('No profiles saved (openpim profile save NAME ROLE…).\n');
        return;
      }
      process.stdout.write(
        table(
          ['NAME', 'DURATION', 'ROLES'],
          names.map((n) => [n, profiles[n]!.duration ?? '-', profiles[n]!.entries.map(entryText).join(', ')]),
        ),
      );
    }),
  );
  profile.addCommand(
    outputOption(new Command('show').description('show one saved profile').argument('<name>')).action(async (name: string, options: OutputOptions) => {
      const p = await profilesStore().get(name);
      if (isJson(options)) printJson({ name, ...p });
      else process.stdout.write(`${name}: ${p.entries.map(entryText).join(', ')}${p.duration ? ` (for ${p.duration})` : ''}\n`);
    }),
  );
  profile.addCommand(
    new Command('delete')
      .description('delete a saved profile')
      .argument('<name>')
      .action(async (name: string) => {
        if (!(await profilesStore().remove(name))) await profilesStore().get(name); // not found: exit code 5
        process.stdout.write(`Profile ${name} deleted.\n`);
      }),
  );
  return profile;
}
