// Values the Vitest globalSetup (test/support/global-setup.ts) hands to tests via inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Superuser URL of the test PostgreSQL server: OPENPIM_TEST_DATABASE_URL when set, else a
     * throwaway cluster started for this run. Tests call createDatabase(inject('postgresUrl')).
     */
    postgresUrl: string;
  }
}
