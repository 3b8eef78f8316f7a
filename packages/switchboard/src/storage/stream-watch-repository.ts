/**
 * Stream watches (the platform-side subscription for one streamer, shared by every guild watching them)
 * and guilds' stream subscriptions. A watch is created with insert-on-conflict-do-nothing so that two guilds
 * adding the same streamer at once share one, and deleted only by a statement that checks, in the same
 * statement, that no subscription uses it any more.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StreamPlatform, StreamSubscriptionsTable, StreamWatchStatus, StreamWatchesTable, Tables } from './schema.ts';

export type StreamWatchRecord = {
  id: string;
  platform: StreamPlatform;
  streamerId: string;
  streamerLogin: string;
  streamerName: string;
  streamerUrl: string;
  externalIds: string[];
  status: StreamWatchStatus;
  statusReason: string | null;
  leaseExpiresAt: number | null;
  /** Sealed; opened only by whoever holds the SecretBox. */
  sealedWebhookSecret: string;
  createdAt: number;
  updatedAt: number;
};

export type StreamSubscriptionRecord = {
  id: string;
  guildId: string;
  channelId: string;
  roleId: string | null;
  watchId: string;
  createdBy: string;
  createdAt: number;
};

/** A subscription with the streamer it is about. */
export type StreamSubscriptionView = StreamSubscriptionRecord & { watch: StreamWatchRecord };

export type WatchChanges = Partial<Pick<StreamWatchRecord, 'externalIds' | 'status' | 'statusReason' | 'leaseExpiresAt'>>;

function toWatch(row: StreamWatchesTable): StreamWatchRecord {
  return {
    id: row.id,
    platform: row.platform,
    streamerId: row.streamer_id,
    streamerLogin: row.streamer_login,
    streamerName: row.streamer_name,
    streamerUrl: row.streamer_url,
    externalIds: JSON.parse(row.external_ids) as string[],
    status: row.status,
    statusReason: row.status_reason,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    sealedWebhookSecret: row.webhook_secret,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toSubscription(row: StreamSubscriptionsTable): StreamSubscriptionRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    roleId: row.role_id,
    watchId: row.watch_id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export class StreamWatchRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async getWatch(id: string): Promise<StreamWatchRecord | undefined> {
    const row = await this.#db.selectFrom('stream_watches').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWatch(row) : undefined;
  }

  async findWatch(platform: StreamPlatform, streamerId: string): Promise<StreamWatchRecord | undefined> {
    const row = await this.#db.selectFrom('stream_watches').selectAll().where('platform', '=', platform).where('streamer_id', '=', streamerId).executeTakeFirst();
    return row ? toWatch(row) : undefined;
  }

  /** The watch of this streamer; `created` is true for the one call that inserted it. */
  async ensureWatch(input: {
    platform: StreamPlatform;
    streamer: { id: string; login: string; displayName: string; url: string };
    status: StreamWatchStatus;
    /** Seals a fresh webhook secret for the new row's id. */
    sealSecret: (watchId: string) => string;
    now: number;
  }): Promise<{ watch: StreamWatchRecord; created: boolean }> {
    const id = randomUUID();
    const inserted = await this.#db
      .insertInto('stream_watches')
      .values({
        id,
        platform: input.platform,
        streamer_id: input.streamer.id,
        streamer_login: input.streamer.login,
        streamer_name: input.streamer.displayName,
        streamer_url: input.streamer.url,
        external_ids: '[]',
        status: input.status,
        status_reason: null,
        lease_expires_at: null,
        webhook_secret: input.sealSecret(id),
        created_at: input.now,
        updated_at: input.now,
      })
      .onConflict((oc) => oc.columns(['platform', 'streamer_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { watch: toWatch(inserted), created: true };
    const existing = await this.findWatch(input.platform, input.streamer.id);
    if (!existing) throw new Error(`the watch of ${input.platform} streamer ${input.streamer.id} vanished while it was being created`);
    return { watch: existing, created: false };
  }

  async updateWatch(id: string, changes: WatchChanges, now: number): Promise<StreamWatchRecord | undefined> {
    const row = await this.#db
      .updateTable('stream_watches')
      .set({
        updated_at: now,
        ...(changes.externalIds !== undefined ? { external_ids: JSON.stringify(changes.externalIds) } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
        ...(changes.statusReason !== undefined ? { status_reason: changes.statusReason } : {}),
        ...(changes.leaseExpiresAt !== undefined ? { lease_expires_at: changes.leaseExpiresAt } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toWatch(row) : undefined;
  }

  /** Deletes the watch when no subscription uses it; true when it was deleted. */
  async deleteWatchIfUnused(id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('stream_watches')
      .where('id', '=', id)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('stream_subscriptions').select('stream_subscriptions.id').whereRef('stream_subscriptions.watch_id', '=', 'stream_watches.id'))))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async watchesOf(platform: StreamPlatform): Promise<StreamWatchRecord[]> {
    const rows = await this.#db.selectFrom('stream_watches').selectAll().where('platform', '=', platform).orderBy('created_at').execute();
    return rows.map(toWatch);
  }

  /** Watches of a platform whose lease ends before `before` (or that never got one while active or pending). */
  async watchesToRenew(platform: StreamPlatform, before: number): Promise<StreamWatchRecord[]> {
    const rows = await this.#db
      .selectFrom('stream_watches')
      .selectAll()
      .where('platform', '=', platform)
      .where('status', 'in', ['active', 'pending'])
      .where((eb) => eb.or([eb('lease_expires_at', '<', before), eb('lease_expires_at', 'is', null)]))
      .execute();
    return rows.map(toWatch);
  }

  async countSubscriptions(guildId: string): Promise<number> {
    const row = await this.#db.selectFrom('stream_subscriptions').select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).where('guild_id', '=', guildId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Inserts the subscription; undefined when this channel already hears about this streamer. */
  async insertSubscription(input: Omit<StreamSubscriptionRecord, 'id'>): Promise<StreamSubscriptionRecord | undefined> {
    const row = await this.#db
      .insertInto('stream_subscriptions')
      .values({
        id: randomUUID(),
        guild_id: input.guildId,
        channel_id: input.channelId,
        role_id: input.roleId,
        watch_id: input.watchId,
        created_by: input.createdBy,
        created_at: input.createdAt,
      })
      .onConflict((oc) => oc.columns(['guild_id', 'channel_id', 'watch_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  /** Deletes a subscription of this guild; undefined when the guild has no such subscription. */
  async deleteSubscription(guildId: string, id: string): Promise<StreamSubscriptionRecord | undefined> {
    const row = await this.#db.deleteFrom('stream_subscriptions').where('id', '=', id).where('guild_id', '=', guildId).returningAll().executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  async listSubscriptions(guildId: string): Promise<StreamSubscriptionView[]> {
    const rows = await this.#db.selectFrom('stream_subscriptions').selectAll().where('guild_id', '=', guildId).orderBy('created_at').orderBy('id').execute();
    return this.#withWatches(rows.map(toSubscription));
  }

  async subscriptionsOfWatch(watchId: string): Promise<StreamSubscriptionRecord[]> {
    const rows = await this.#db.selectFrom('stream_subscriptions').selectAll().where('watch_id', '=', watchId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSubscription);
  }

  async #withWatches(subscriptions: StreamSubscriptionRecord[]): Promise<StreamSubscriptionView[]> {
    const ids = [...new Set(subscriptions.map((s) => s.watchId))];
    if (ids.length === 0) return [];
    const watches = new Map((await this.#db.selectFrom('stream_watches').selectAll().where('id', 'in', ids).execute()).map((row) => [row.id, toWatch(row)]));
    return subscriptions.flatMap((s) => {
      const watch = watches.get(s.watchId);
      return watch ? [{ ...s, watch }] : [];
    });
  }
}
