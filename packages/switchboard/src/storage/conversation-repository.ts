/**
 * The generation of each user's assistant conversation per channel and UTC day. No row means the first
 * generation; `startNew` (what `/clear` does) moves to the next one in a single statement, so two clears at
 * the same moment, on one instance or two, each get a generation of their own.
 */
import { sql, type Kysely } from 'kysely';
import type { Job } from '../jobs/job.ts';
import type { Tables } from './schema.ts';

/** Whose conversation, where, on which UTC day (`YYYY-MM-DD`). */
export type ConversationKey = { userId: string; channelId: string; day: string };

const DAY_MS = 24 * 60 * 60 * 1000;

export class ConversationRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** The current generation: 1 until the first clear of the day. */
  async generation(key: ConversationKey): Promise<number> {
    const row = await this.#db
      .selectFrom('assistant_conversations')
      .select('generation')
      .where('user_id', '=', key.userId)
      .where('channel_id', '=', key.channelId)
      .where('day', '=', key.day)
      .executeTakeFirst();
    return row ? Number(row.generation) : 1;
  }

  /** Moves to the next generation; returns the one left and the one started. */
  async startNew(key: ConversationKey, now: number): Promise<{ previous: number; current: number }> {
    const row = await this.#db
      .insertInto('assistant_conversations')
      .values({ user_id: key.userId, channel_id: key.channelId, day: key.day, generation: 2, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['user_id', 'channel_id', 'day']).doUpdateSet({
          generation: sql<number>`assistant_conversations.generation + 1`,
          updated_at: now,
        }),
      )
      .returning('generation')
      .executeTakeFirstOrThrow();
    const current = Number(row.generation);
    return { previous: current - 1, current };
  }

  /** Deletes the rows of days before `day` (`YYYY-MM-DD`); returns how many. */
  async forgetBefore(day: string): Promise<number> {
    const result = await this.#db.deleteFrom('assistant_conversations').where('day', '<', day).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Drops the generations of past days, which no conversation id uses any more (one day kept for clock skew). */
export function conversationRetentionJob(repository: ConversationRepository): Job {
  return {
    name: 'assistant-conversation-retention',
    intervalMs: DAY_MS / 4,
    async run({ now }) {
      const cutoff = new Date(now - DAY_MS).toISOString().slice(0, 10);
      const deleted = await repository.forgetBefore(cutoff);
      return { summary: `forgot ${deleted} assistant conversation generation(s) from before ${cutoff}` };
    },
  };
}
