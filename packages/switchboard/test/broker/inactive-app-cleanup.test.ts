import assert from 'node:assert/strict';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { generateEncryptionKey, SecretBox } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

const DAY = 24 * 60 * 60 * 1000;

describeEachDatabase('inactive app cleanup', ({ it, open }) => {
  it('unregisters apps silent for longer than the limit, and keeps the others', async () => {
    const database = await open();
    const registry = new AppRegistry(new AppRepository(database.db), new SecretBox([generateEncryptionKey('k')]));
    const now = 100 * DAY;
    const input = (id: string) => ({ id, name: id, callbackUrl: 'https://example.org/hook', events: [], guilds: ['111111111111111111'], subscribedChannels: [], channels: {} });
    await registry.register(input('silent'), now - 40 * DAY);
    await registry.heartbeat('silent', now - 31 * DAY);
    await registry.register(input('alive'), now - 40 * DAY);
    await registry.heartbeat('alive', now - 1 * DAY);
    await registry.register(input('never-beat-old'), now - 45 * DAY);
    await registry.register(input('never-beat-new'), now - 2 * DAY);
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) } });
    const result = await registry.inactiveAppCleanupJob(30, logger).run({ now, signal: new AbortController().signal });
    assert.match(result?.summary ?? '', /unregistered 2 inactive app/);
    assert.deepEqual((await registry.list(now)).map((a) => a.id).sort(), ['alive', 'never-beat-new']);
    assert.equal(lines.filter((l) => l.includes('unregistered an app')).length, 2);
  });
});
