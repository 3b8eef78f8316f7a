/**
 * Go-live posts and webhook message ids. A post is claimed by inserting its row, unique per subscription
 * and stream: the insert that wins is the one that posts, however many webhooks, pollers and instances see
 * the stream start. Its end is claimed the same way, by the update that sets `ended_at` where it was null.
 * Webhook message ids are recorded with insert-on-conflict-do-nothing, so a redelivery is acted on once
 * across instances.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StreamAnnouncementsTable, StreamPlatform, Tables } from './schema.ts';

export type StreamAnnouncementRecord = {
  id: string;
  subscriptionId: string;
  streamId: string;
  channelId: string;
  messageId: string | null;
  title: string;
  startedAt: number;
  endedAt: number | null;
  createdAt: number;
};

/** An announcement still showing a live stream, with the streamer it is about. */
export type OpenAnnouncement = { platform: StreamPlatform; streamerId: string; streamId: string };

function toAnnouncement(row: StreamAnnouncementsTable): StreamAnnouncementRecord {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    streamId: row.stream_id,
    channelId: row.channel_id,
    messageId: row.message_id,
    title: row.title,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    createdAt: Number(row.created_at),
  };
}

export class StreamAnnouncementRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** Claims the post of this stream for this subscription; undefined when it was already claimed (even if ended). */
  async claim(input: { subscriptionId: string; streamId: string; channelId: string; title: string; startedAt: number; now: number }): Promise<StreamAnnouncementRecord | undefined> {
    const row = await this.#db
      .insertInto('stream_announcements')
      .values({
        id: randomUUID(),
        subscription_id: input.subscriptionId,
        stream_id: input.streamId,
        channel_id: input.channelId,
        message_id: null,
        title: input.title,
        started_at: input.startedAt,
        ended_at: null,
        created_at: input.now,
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'stream_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toAnnouncement(row) : undefined;
  }

  /** Gives a claim back when its post could not be made, so that a later sighting of the stream tries again. */
  async release(id: string): Promise<void> {
    await this.#db.deleteFrom('stream_announcements').where('id', '=', id).where('message_id', 'is', null).execute();
  }

  /** Records the posted message; answers the row as it is now (its end may have been claimed meanwhile). */
  async attachMessage(id: string, messageId: string): Promise<StreamAnnouncementRecord | undefined> {
    const row = await this.#db.updateTable('stream_announcements').set({ message_id: messageId }).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? toAnnouncement(row) : undefined;
  }

  /**
   * Claims the end of the open announcements of these subscriptions (of one stream, or of any stream when
   * `streamId` is null); each row is answered by one caller only.
   */
  async claimEnd(subscriptionIds: readonly string[], streamId: string | null, now: number): Promise<StreamAnnouncementRecord[]> {
    if (subscriptionIds.length === 0) return [];
    let query = this.#db.updateTable('stream_announcements').set({ ended_at: now }).where('subscription_id', 'in', subscriptionIds).where('ended_at', 'is', null);
    if (streamId !== null) query = query.where('stream_id', '=', streamId);
    const rows = await query.returningAll().execute();
    return rows.map(toAnnouncement);
  }

  /** Announced streams not known to have ended, one entry per platform, streamer and stream. */
  async openStreams(limit: number): Promise<OpenAnnouncement[]> {
    const rows = await this.#db
      .selectFrom('stream_announcements')
      .innerJoin('stream_subscriptions', 'stream_subscriptions.id', 'stream_announcements.subscription_id')
      .innerJoin('stream_watches', 'stream_watches.id', 'stream_subscriptions.watch_id')
      .select(['stream_watches.platform', 'stream_watches.streamer_id', 'stream_announcements.stream_id'])
      .where('stream_announcements.ended_at', 'is', null)
      .groupBy(['stream_watches.platform', 'stream_watches.streamer_id', 'stream_announcements.stream_id'])
      .orderBy('stream_watches.platform')
      .orderBy('stream_watches.streamer_id')
      .orderBy('stream_announcements.stream_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ platform: row.platform, streamerId: row.streamer_id, streamId: row.stream_id }));
  }

  /** Records a webhook message id; false when it was seen before. */
  async recordWebhookMessage(platform: StreamPlatform, messageId: string, now: number): Promise<boolean> {
    const row = await this.#db
      .insertInto('stream_webhook_messages')
      .values({ platform, message_id: messageId, received_at: now })
      .onConflict((oc) => oc.columns(['platform', 'message_id']).doNothing())
      .returning('message_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async forgetWebhookMessagesBefore(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('stream_webhook_messages').where('received_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
