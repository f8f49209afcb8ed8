import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_FILE, runCodegen } from '../../../scripts/generate-db-types.ts';
import { useTestDatabase } from '../../../test/support/database.ts';

const testDb = useTestDatabase();

describe('generated query types', () => {
  it('match the migrated schema (run `npm run db:types` after adding a migration)', () => {
    const result = runCodegen(testDb().adminUrl, GENERATED_TYPES_FILE, true);
    expect(result.output).not.toMatch(/outdated|out of date|differ/i);
    expect(result.ok).toBe(true);
  });
});
