/** Registered apps, the messages they own, and which app is a guild's assistant. */
import type { Kysely, Transaction } from 'kysely';
import type { AppsTable, Tables } from './schema.ts';

export type AppRecord = {
  id: string;
  name: string;
  callbackUrl: string;
  events: string[];
  guilds: string[];
  subscribedChannels: string[];
  channels: Record<string, string>;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSecretExpiresAt: number | null;
  lastHeartbeatAt: number | null;
  endpointDisabledAt: number | null;
  endpointDisabledReason: string | null;
  createdAt: number;
  updatedAt: number;
};

export type AppChanges = Partial<Pick<AppRecord, 'name' | 'callbackUrl' | 'events' | 'guilds' | 'subscribedChannels' | 'channels'>>;

function toRecord(row: AppsTable): AppRecord {
  return {
    id: row.id,
    name: row.name,
    callbackUrl: row.callback_url,
    events: JSON.parse(row.events) as string[],
    guilds: JSON.parse(row.guilds) as string[],
    subscribedChannels: JSON.parse(row.subscribed_channels) as string[],
    channels: JSON.parse(row.channels) as Record<string, string>,
    signingSecret: row.signing_secret,
    previousSigningSecret: row.previous_signing_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    endpointDisabledAt: row.endpoint_disabled_at,
    endpointDisabledReason: row.endpoint_disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class AppRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** False when the id is taken. */
  async create(app: Omit<AppRecord, 'lastHeartbeatAt' | 'endpointDisabledAt' | 'endpointDisabledReason' | 'previousSigningSecret' | 'previousSecretExpiresAt' | 'updatedAt'>, tokenHash: string): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('apps')
      .values({
        id: app.id,
        name: app.name,
        callback_url: app.callbackUrl,
        events: JSON.stringify(app.events),
        guilds: JSON.stringify(app.guilds),
        subscribed_channels: JSON.stringify(app.subscribedChannels),
        channels: JSON.stringify(app.channels),
        token_hash: tokenHash,
        signing_secret: app.signingSecret,
        previous_signing_secret: null,
        previous_secret_expires_at: null,
        last_heartbeat_at: null,
        endpoint_disabled_at: null,
        endpoint_disabled_reason: null,
        failing_since: null,
        created_at: app.createdAt,
        updated_at: app.createdAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async get(id: string): Promise<AppRecord | undefined> {
    const row = await this.#db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<AppRecord[]> {
    return (await this.#db.selectFrom('apps').selectAll().orderBy('id').execute()).map(toRecord);
  }

  async findIdByTokenHash(tokenHash: string): Promise<string | undefined> {
    return (await this.#db.selectFrom('apps').select('id').where('token_hash', '=', tokenHash).executeTakeFirst())?.id;
  }

  async update(id: string, changes: AppChanges, now: number): Promise<AppRecord | undefined> {
    const row = await this.#db
      .updateTable('apps')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.callbackUrl !== undefined ? { callback_url: changes.callbackUrl, endpoint_disabled_at: null, endpoint_disabled_reason: null, failing_since: null } : {}),
        ...(changes.events !== undefined ? { events: JSON.stringify(changes.events) } : {}),
        ...(changes.guilds !== undefined ? { guilds: JSON.stringify(changes.guilds) } : {}),
        ...(changes.subscribedChannels !== undefined ? { subscribed_channels: JSON.stringify(changes.subscribedChannels) } : {}),
        ...(changes.channels !== undefined ? { channels: JSON.stringify(changes.channels) } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async rotateSecret(id: string, sealedNew: (id: string) => string, graceUntil: number, now: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('apps').select('signing_secret').where('id', '=', id).executeTakeFirst();
      if (!current) return false;
      await trx
        .updateTable('apps')
        .set({ previous_signing_secret: current.signing_secret, previous_secret_expires_at: graceUntil, signing_secret: sealedNew(id), updated_at: now })
        .where('id', '=', id)
        .execute();
      return true;
    });
  }

  async recordHeartbeat(id: string, now: number): Promise<void> {
    await this.#db.updateTable('apps').set({ last_heartbeat_at: now }).where('id', '=', id).execute();
  }

  /** Apps whose last sign of life (heartbeat, or registration when they never beat) is older than the cutoff. */
  async inactiveSince(cutoff: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('apps')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('last_heartbeat_at', '<', cutoff),
          eb.and([eb('last_heartbeat_at', 'is', null), eb('created_at', '<', cutoff)]),
        ]),
      )
      .execute();
    return rows.map((r) => r.id);
  }

  async recordMessage(message: { messageId: string; appId: string; channelId: string; guildId: string | null; now: number }, trx?: Transaction<Tables>): Promise<void> {
    await (trx ?? this.#db)
      .insertInto('app_messages')
      .values({ message_id: message.messageId, app_id: message.appId, channel_id: message.channelId, guild_id: message.guildId, created_at: message.now })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  }

  async messageOwner(messageId: string): Promise<{ appId: string; channelId: string } | undefined> {
    const row = await this.#db.selectFrom('app_messages').select(['app_id', 'channel_id']).where('message_id', '=', messageId).executeTakeFirst();
    return row ? { appId: row.app_id, channelId: row.channel_id } : undefined;
  }

  async forgetMessage(messageId: string): Promise<void> {
    await this.#db.deleteFrom('app_messages').where('message_id', '=', messageId).execute();
  }

  async setAssistant(guildId: string, appId: string | null, now: number): Promise<void> {
    if (appId === null) {
      await this.#db.deleteFrom('guild_assistants').where('guild_id', '=', guildId).execute();
      return;
    }
    await this.#db
      .insertInto('guild_assistants')
      .values({ guild_id: guildId, app_id: appId, updated_at: now })
      .onConflict((oc) => oc.column('guild_id').doUpdateSet({ app_id: appId, updated_at: now }))
      .execute();
  }

  async assistantFor(guildId: string): Promise<string | undefined> {
    return (await this.#db.selectFrom('guild_assistants').select('app_id').where('guild_id', '=', guildId).executeTakeFirst())?.app_id;
  }
}
