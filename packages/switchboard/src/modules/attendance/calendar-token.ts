/**
 * The secret in a calendar feed's URL: an HMAC-SHA256 of what the feed shows (a guild's sessions, or one
 * member's in a guild) under the server's key. It cannot be guessed or moved to another feed, and is
 * checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type FeedScope = { guildId: string; userId?: string };

function subject(scope: FeedScope): string {
  return scope.userId === undefined ? `attendance-feed:guild:${scope.guildId}` : `attendance-feed:member:${scope.guildId}:${scope.userId}`;
}

export function feedToken(key: string | Buffer, scope: FeedScope): string {
  return createHmac('sha256', key).update(subject(scope)).digest('base64url');
}

export function isFeedToken(key: string | Buffer, scope: FeedScope, presented: string): boolean {
  const expected = Buffer.from(feedToken(key, scope));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
