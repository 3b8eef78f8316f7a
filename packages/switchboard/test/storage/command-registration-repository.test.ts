import assert from 'node:assert/strict';
import { CommandRegistrationRepository } from '../../src/storage/command-registration-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

describeEachDatabase('command registration repository', ({ it, open, openAgain }) => {
  it('finds nothing for a scope never registered', async () => {
    const database = await open();
    assert.equal(await new CommandRegistrationRepository(database.db).find('global'), undefined);
  });

  it('records a registration per scope and replaces it on the next one', async () => {
    const database = await open();
    const registrations = new CommandRegistrationRepository(database.db);
    await registrations.record({ scope: 'global', applicationId: '100', hash: 'a'.repeat(64), commandCount: 2, registeredAt: 1_700_000_000_000 });
    await registrations.record({ scope: 'guild:42', applicationId: '100', hash: 'b'.repeat(64), commandCount: 1, registeredAt: 1_700_000_000_001 });
    await registrations.record({ scope: 'global', applicationId: '101', hash: 'c'.repeat(64), commandCount: 3, registeredAt: 1_700_000_000_002 });
    // Another handle sees the same rows, as a second instance (or the next start) would.
    const again = new CommandRegistrationRepository(openAgain(database).db);
    assert.deepEqual(await again.find('global'), { scope: 'global', applicationId: '101', hash: 'c'.repeat(64), commandCount: 3, registeredAt: 1_700_000_000_002 });
    assert.deepEqual(await again.find('guild:42'), { scope: 'guild:42', applicationId: '100', hash: 'b'.repeat(64), commandCount: 1, registeredAt: 1_700_000_000_001 });
  });
});
