/**
 * Where a gateway dispatch came from: its shard, the gateway session and the sequence number within it.
 * Session and sequence name one dispatch for the whole bot, whichever instance receives it (a RESUME on
 * another instance replays it with the same pair), so they make a key for handling each event once.
 */
export type DispatchOrigin = { shardId: number; sessionId: string; sequence: number };
