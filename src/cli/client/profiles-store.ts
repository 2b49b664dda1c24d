/**
 * Saved profiles — roles activated together (`openpim profile save oncall "User Administrator"
 * "Security Reader"`, then `openpim activate --profile oncall`) — in `profiles.json` beside
 * `credentials.json` in the user's config directory, private and replaced atomically like it.
 * Roles are kept as typed (names or ids) and resolved at activation, on whichever server.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, notFoundError, usageError } from './cli-error.ts';
import { configDir } from './credentials-store.ts';
import { writePrivateFile } from './private-file.ts';

const entrySchema = z.object({
  role: z.string(),
  scope: z.string().optional(),
  group: z.string().optional(),
});
const profileSchema = z.object({
  entries: z.array(entrySchema).min(1),
  duration: z.string().optional(),
  savedDateTime: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), profiles: z.record(z.string(), profileSchema) });

export type Profile = z.infer<typeof profileSchema>;
export type ProfileEntry = z.infer<typeof entrySchema>;
type ProfilesFile = z.infer<typeof fileSchema>;

const NAME = /^[\w.-]{1,64}$/;

export interface ProfilesStore {
  readonly path: string;
  list(): Promise<Record<string, Profile>>;
  /** The profile, or a not-found error (exit code 5). */
  get(name: string): Promise<Profile>;
  put(name: string, profile: Profile): Promise<void>;
  /** True when there was one to remove. */
  remove(name: string): Promise<boolean>;
}

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) throw usageError(`profile name '${name}': use letters, digits, '.', '_' and '-' (at most 64)`);
  return name;
}

export function profilesStore(dir: string = configDir()): ProfilesStore {
  const path = join(dir, 'profiles.json');

  async function load(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: {} };
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      return fileSchema.parse(JSON.parse(text));
    } catch {
      throw new CliError(`${path} is not a profiles file of this version of openpim: fix or remove it`);
    }
  }
  const save = (file: ProfilesFile) => writePrivateFile(dir, path, `${JSON.stringify(file, null, 2)}\n`);

  return {
    path,
    async list() {
      return (await load()).profiles;
    },
    async get(name) {
      const profile = (await load()).profiles[name];
      if (!profile) throw notFoundError(`no profile named '${name}' (openpim profile list shows yours)`);
      return profile;
    },
    async put(name, profile) {
      const file = await load();
      await save({ ...file, profiles: { ...file.profiles, [checkProfileName(name)]: profile } });
    },
    async remove(name) {
      const file = await load();
      if (!(name in file.profiles)) return false;
      const { [name]: _removed, ...profiles } = file.profiles;
      await save({ ...file, profiles });
      return true;
    },
  };
}
