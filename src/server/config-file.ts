/**
 * The optional JSON configuration file (`--config FILE` or OPENPIM_CONFIG), and merging it under
 * environment variables and options: file < environment < options.
 */
import { readFileSync } from 'node:fs';

export class ConfigFileError extends Error {}

/** Reads the file as a JSON object with the same keys as the options (camelCase, nested `smtp`, `webhooks`). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`config file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`config file ${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new ConfigFileError(`config file ${path}: must hold a JSON object`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Later sources win; nested objects (`smtp`) merge key by key, arrays are replaced whole. */
export function mergeSources(...sources: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      out[key] = isObject(value) && isObject(out[key]) ? mergeSources(out[key] as Record<string, unknown>, value) : value;
    }
  }
  return out;
}

/** Sets `a.b` in an object. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const inner = isObject(target[head!]) ? (target[head!] as Record<string, unknown>) : {};
  target[head!] = inner;
  setPath(inner, rest.join('.'), value);
}
