/** Apps for webhook tests, written straight into the `apps` table with sealed signing secrets. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { SecretBox, generateEncryptionKey } from '../../src/security/secret-box.ts';
import type { Tables } from '../../src/storage/schema.ts';

export const testSecretBox = (): SecretBox => new SecretBox([generateEncryptionKey('test')]);

export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export type TestAppOptions = {
  id: string;
  callbackUrl: string;
  secret?: string;
  /** Default: now (online). Null: never heartbeated. */
  lastHeartbeatAt?: number | null;
  previous?: { secret: string; expiresAt: number; sealedAs: 'signing_secret' | 'previous_signing_secret' };
};

/** Inserts an app; returns its plain signing secret. */
export async function insertTestApp(db: Kysely<Tables>, box: SecretBox, options: TestAppOptions): Promise<string> {
  const secret = options.secret ?? newSigningSecret();
  const now = Date.now();
  await db
    .insertInto('apps')
    .values({
      id: options.id,
      name: options.id,
      callback_url: options.callbackUrl,
      events: '[]',
      guilds: '[]',
      subscribed_channels: '[]',
      channels: '{}',
      token_hash: randomBytes(16).toString('hex'),
      signing_secret: box.encrypt(secret, { table: 'apps', column: 'signing_secret', rowId: options.id }),
      previous_signing_secret: options.previous
        ? box.encrypt(options.previous.secret, { table: 'apps', column: options.previous.sealedAs, rowId: options.id })
        : null,
      previous_secret_expires_at: options.previous?.expiresAt ?? null,
      last_heartbeat_at: options.lastHeartbeatAt === undefined ? now : options.lastHeartbeatAt,
      endpoint_disabled_at: null,
      endpoint_disabled_reason: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return secret;
}
