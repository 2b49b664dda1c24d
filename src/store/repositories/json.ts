/** JSON columns are text on both databases; parse what comes back. */
export const toJson = (value: unknown): string => JSON.stringify(value);
export const fromJson = <T>(text: string | null): T => (text === null ? (null as T) : (JSON.parse(text) as T));
export const bool = (n: number | boolean): boolean => n === 1 || n === true;
export const int = (b: boolean): number => (b ? 1 : 0);
