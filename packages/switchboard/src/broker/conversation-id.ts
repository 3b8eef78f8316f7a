/**
 * The id of an assistant conversation: one per user, channel and UTC day, so that an assistant app keeps
 * context within a day and starts afresh the next one. `/clear` moves the user to the next generation of
 * the same day; the first generation has no suffix, later ones end in `_2`, `_3`, …
 *
 * `discord_user_{userId}_{channelId}_{YYYY-MM-DD}[_{generation}]`
 */

/** Who talks where: a conversation's scope before the day and generation are known. */
export type ConversationScope = { userId: string; channelId: string };

/** The UTC calendar day of `ms` as `YYYY-MM-DD`. */
export function conversationDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The conversation id for a scope on a day; `generation` starts at 1. */
export function conversationId(scope: ConversationScope, day: string, generation = 1): string {
  if (!Number.isInteger(generation) || generation < 1) throw new RangeError(`a conversation generation is a whole number from 1 (got ${generation})`);
  const base = `discord_user_${scope.userId}_${scope.channelId}_${day}`;
  return generation === 1 ? base : `${base}_${generation}`;
}
