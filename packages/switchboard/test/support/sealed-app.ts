/** Registers an app whose signing secret is sealed with `key`: for tests of key rotation and key checks. */
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import type { Tables } from '../../src/storage/schema.ts';

/** Resolves with the app's signing secret (in clear). */
export async function registerSealedApp(database: { db: Kysely<Tables> }, key: EncryptionKey, id: string): Promise<string> {
  const registered = await new AppRegistry(new AppRepository(database.db), new SecretBox([key])).register({
    id,
    name: id,
    callbackUrl: 'https://example.org/hook',
    events: [],
    guilds: ['111111111111111111'],
    subscribedChannels: [],
    channels: {},
  });
  assert.ok(registered.ok);
  return registered.signingSecret;
}
