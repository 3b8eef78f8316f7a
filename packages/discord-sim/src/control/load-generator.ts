/**
 * `POST /_sim/load/messages`: pushes MESSAGE_CREATE dispatches for benchmarks. The messages are dispatched like
 * real ones (intents, shards, sequence numbers, resume buffer) but are not stored in the channel, so that a run of
 * a million messages costs no memory.
 */
import { ApiError, ErrorCode } from '../rest/errors.ts';
import type { SimContext } from '../sim-context.ts';
import { sleep } from '../util/http.ts';
import { snowflake } from '../util/snowflake.ts';
import { num, str } from './control-types.ts';
import type { ControlRouter } from './control-types.ts';

/** Bytes waiting in a socket before the generator pauses, so a slow client does not fill the heap. */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;
/** Dispatches between checks of the clock and the sockets. */
const BATCH = 256;

export interface LoadResult {
  sent: number;
  elapsedMs: number;
  perSecond: number;
  stored: false;
}

export async function generateMessages(sim: SimContext, input: { channelId: string; authorId: string; count: number; ratePerSecond?: number }): Promise<LoadResult> {
  const { state, gateway } = sim;
  const channel = state.requireChannel(input.channelId);
  const author = state.requireUser(input.authorId);
  const guild = channel.guild_id ? state.requireGuild(channel.guild_id) : undefined;
  const member = guild?.members.get(author.id);
  const memberPartial = guild && member ? (({ user: _user, ...rest }) => rest)(state.memberPayload(guild, member)) : undefined;
  const scope = guild ? { guildId: guild.id } : {};
  const started = performance.now();
  let sent = 0;
  while (sent < input.count) {
    let due = input.count;
    if (input.ratePerSecond) {
      due = Math.min(input.count, Math.floor(((performance.now() - started) / 1000) * input.ratePerSecond));
      if (due <= sent) {
        await sleep(Math.max(1, Math.ceil(1000 / input.ratePerSecond)));
        continue;
      }
    }
    while (gateway.maxBufferedBytes() > HIGH_WATER_BYTES) await sleep(1);
    // With a rate, only what is due now: a whole batch at once would be a burst, not a steady rate.
    const end = Math.min(due, sent + BATCH);
    const timestamp = new Date().toISOString();
    for (; sent < end; sent++) {
      const message: Record<string, unknown> = {
        id: snowflake(),
        type: 0,
        channel_id: channel.id,
        author,
        content: `load message ${sent + 1}`,
        timestamp,
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        components: [],
        pinned: false,
        flags: 0,
      };
      if (guild) message.guild_id = guild.id;
      if (memberPartial) message.member = memberPartial;
      state.emit('MESSAGE_CREATE', message, scope);
    }
    // Lets the sockets flush and other requests run between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const elapsedMs = performance.now() - started;
  return { sent, elapsedMs, perSecond: elapsedMs > 0 ? Math.round((sent / elapsedMs) * 1000) : sent, stored: false };
}

export function registerLoadControl(router: ControlRouter): void {
  router.add('POST', '/load/messages', (ctx) => {
    const channelId = str(ctx.body.channelId);
    const authorId = str(ctx.body.authorId);
    const count = num(ctx.body.count);
    if (!channelId || !authorId || count === undefined || count < 1) throw new ApiError(400, ErrorCode.General, 'channelId, authorId and a positive count are required');
    return generateMessages(ctx.sim, { channelId, authorId, count: Math.floor(count), ratePerSecond: num(ctx.body.ratePerSecond) });
  });
}
