/**
 * Writing a file of the user's config directory that only they may read: the directory is made
 * 0700 when this creates it, the file is 0600, and it is replaced atomically (a temporary file
 * renamed over it), so a crash or a concurrent reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { CliError } from './cli-error.ts';

export async function writePrivateFile(dir: string, path: string, text: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  // Tighten a directory we made (mkdir's mode is filtered by the umask); one that exists is the user's choice — the file is 0600 anyway.
  if (created !== undefined) await chmod(dir, 0o700);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
