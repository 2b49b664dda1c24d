/**
 * `openpim import --from URL`: the PIM configuration of any Microsoft Graph endpoint — a Microsoft
 * Entra tenant (https://graph.microsoft.com) or another OpenPIM — as the YAML file `config export`
 * writes, ready for `config plan` / `config apply` (docs/guide.md, "Import from Entra"). It reads
 * standard Graph v1.0 only (client/graph-import.ts); what it cannot map is listed on stderr and at
 * the top of the file, and left out.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { EXIT, usageError } from './client/cli-error.ts';
import { importFromGraph } from './client/graph-import.ts';
import { GraphReader, normalizeServer } from './client/graph-reader.ts';
import { note } from './client/output.ts';
import { parseSettings, renderSettings } from './client/settings-file.ts';

interface ImportOptions {
  readonly from: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly output?: string;
}

async function tokenOf(options: ImportOptions): Promise<string> {
  if (options.token !== undefined && options.tokenFile !== undefined) throw usageError('give --token or --token-file, not both');
  if (options.token !== undefined) return options.token.trim();
  if (options.tokenFile !== undefined) {
    try {
      return (await readFile(options.tokenFile, 'utf8')).trim();
    } catch (error) {
      throw usageError(`cannot read ${options.tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  throw usageError('give the bearer token of the Graph endpoint with --token TOKEN or --token-file FILE');
}

export function importCommand(): Command {
  return new Command('import')
    .description(
      'administrators: read the PIM configuration of a Microsoft Graph endpoint (Entra, or another OpenPIM) into a settings file for config plan/apply',
    )
    .requiredOption('--from <url>', 'the Graph endpoint, e.g. https://graph.microsoft.com')
    .option('--token <token>', 'a bearer token for it')
    .option('--token-file <file>', 'a file holding the bearer token')
    .option('--output <file>', 'write to this file (default: stdout)')
    .action(async (options: ImportOptions) => {
      let server: string;
      try {
        server = normalizeServer(new URL(options.from).toString());
      } catch {
        throw usageError(`--from must be a URL, such as https://graph.microsoft.com (got '${options.from}')`);
      }
      const token = await tokenOf(options);
      if (!token) throw usageError('the token is empty');
      const now = Date.now();
      const { settings, unmapped } = await importFromGraph(new GraphReader(server, token), now);
      for (const line of unmapped) note(`openpim: not imported: ${line}`);
      const header = [
        `OpenPIM settings imported from ${server} at ${new Date(now).toISOString()} (openpim ${packageJson.version}).`,
        'The tenant default lists its rules that differ from the built-in defaults; each policy, the rules it sets itself (it inherits the others);',
        'in each rule, only the fields that differ from the built-in default. See docs/guide.md, "Settings as code" and "Import from Entra".',
        ...(unmapped.length > 0
          ? ['', `Not imported (${unmapped.length}): OpenPIM cannot name these, so they are left out:`, ...unmapped.map((u) => `- ${u}`)]
          : []),
      ];
      const text = renderSettings(settings, header);
      try {
        parseSettings(text, options.output ?? 'the imported file');
      } catch (error) {
        // Values Graph gave that a settings file cannot hold: still written, for a person to fix.
        note(`openpim: warning: ${(error as Error).message}`);
        process.exitCode = EXIT.failure;
      }
      if (options.output) {
        await writeFile(options.output, text);
        note(
          `openpim: wrote ${options.output}: ${settings.policies.length} policies, ${settings.assignments.length} assignments, ${settings.groups.length} groups` +
            (unmapped.length > 0 ? `; ${unmapped.length} items not imported` : ''),
        );
      } else {
        process.stdout.write(text);
      }
    });
}
