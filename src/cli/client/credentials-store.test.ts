import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDir, credentialsStore, normalizeServer, type StoredCredentials } from './credentials-store.ts';

const token = (accessToken: string): StoredCredentials => ({
  tokenType: 'Bearer',
  accessToken,
  expiresDateTime: '2030-01-01T00:00:00.000Z',
  userPrincipalName: 'alice@contoso.test',
  signedInDateTime: '2029-12-31T23:00:00.000Z',
});

let root: string | null = null;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

describe('the credentials store', () => {
  it('keeps one token per server in a 0600 file of a 0700 directory it creates, with no temporary file left', async () => {
    root = await mkdtemp(join(tmpdir(), 'openpim-credentials-'));
    const dir = join(root, 'config', 'openpim');
    const store = credentialsStore(dir);
    expect(await store.get('https://a.example')).toBeNull();
    await store.put('https://a.example', token('A'));
    await store.put('https://b.example', token('B'));
    expect((await store.get('https://a.example'))?.accessToken).toBe('A');
    expect(await store.defaultServer()).toBe('https://b.example');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['credentials.json']);

    expect(await store.remove('https://b.example')).toBe(true);
    expect(await store.remove('https://b.example')).toBe(false);
    expect(await store.get('https://b.example')).toBeNull();
    expect((await store.get('https://a.example'))?.accessToken).toBe('A');
    expect(await store.defaultServer()).toBe('https://b.example'); // signing in again needs no --server
  });

  it('finds the config directory: OPENPIM_CONFIG_DIR, XDG_CONFIG_HOME, then the platform default', () => {
    expect(configDir({ OPENPIM_CONFIG_DIR: '/tmp/x', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/tmp/x');
    expect(configDir({ XDG_CONFIG_HOME: '/xdg' }, 'darwin')).toBe('/xdg/openpim');
    expect(configDir({}, 'linux')).toMatch(/\/\.config\/openpim$/);
    expect(configDir({}, 'darwin')).toMatch(/\/Library\/Application Support\/openpim$/);
    expect(configDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.openpim$/);
  });

  it('spells each server one way, and refuses what is not a server URL', () => {
    expect(normalizeServer('HTTP://PIM.example.com:8080/')).toBe('http://pim.example.com:8080');
    expect(normalizeServer('https://example.com/pim//')).toBe('https://example.com/pim');
    expect(() => normalizeServer('pim.example.com')).toThrow(/not a server URL/);
    expect(() => normalizeServer('ftp://pim.example.com')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeServer('https://u:p@pim.example.com')).toThrow(/credentials/);
  });
});
