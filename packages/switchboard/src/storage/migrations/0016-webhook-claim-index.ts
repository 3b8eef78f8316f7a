/**
 * An index for claiming webhook deliveries app by app: per app, the deliveries still to send or being
 * sent, by when they are due. A claim reads each app's earliest few due rows straight from it instead of
 * ranking the whole backlog. Partial (only waiting and leased rows), so it stays as small as the backlog
 * however many delivered rows the retention period keeps. The claim query repeats the same condition
 * (`CLAIMABLE` in the webhook repository), which is what lets both databases use it.
 *
 * `webhook_deliveries_due` (status, next_attempt_at) goes: only the old claim read it, and every
 * delivery changes its status three times, each time rewriting an entry of every index on status.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const webhookClaimIndex: Migration = {
  id: '0016-webhook-claim-index',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('webhook_deliveries_claimable')
      .on('webhook_deliveries')
      .columns(['app_id', 'next_attempt_at', 'id'])
      .where(sql<boolean>`status in ('pending', 'failed', 'delivering')`)
      .execute();
    await db.schema.dropIndex('webhook_deliveries_due').execute();
  },
};
