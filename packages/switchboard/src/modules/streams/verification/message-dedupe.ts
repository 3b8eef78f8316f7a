/**
 * Remembering webhook message ids for the replay window so a redelivered notification is
 * acted on once. Memory is bounded: entries expire after `windowMs`, and past `maxEntries`
 * the oldest entry is forgotten first. The clock is injected; nothing here reads the time.
 */
import { REPLAY_WINDOW_MS } from './timestamp-window.ts';

export type MessageDedupeOptions = {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** How long an id is remembered; default ten minutes, the signature replay window. */
  readonly windowMs?: number;
  /** Most ids held at once; default 10 000. */
  readonly maxEntries?: number;
};

export type DedupeResult = { readonly ok: true } | { readonly ok: false; readonly reason: 'duplicate' | 'invalid_id' };

export type MessageDedupe = {
  /** Records `id` and accepts it, or refuses it when it was already seen within the window. */
  readonly accept: (id: string) => DedupeResult;
  readonly has: (id: string) => boolean;
  readonly size: () => number;
};

export const MAX_MESSAGE_ID_LENGTH = 256;

export function createMessageDedupe(options: MessageDedupeOptions): MessageDedupe {
  const windowMs = options.windowMs ?? REPLAY_WINDOW_MS;
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
  /** id → expiry; Map keeps insertion order, so the oldest is first. */
  const expiries = new Map<string, number>();

  function sweep(now: number): void {
    for (const [id, expiry] of expiries) {
      if (expiry > now) break;
      expiries.delete(id);
    }
  }

  function live(id: string, now: number): boolean {
    const expiry = expiries.get(id);
    if (expiry === undefined) return false;
    if (expiry > now) return true;
    expiries.delete(id);
    return false;
  }

  return {
    accept(id) {
      if (id === '' || id.length > MAX_MESSAGE_ID_LENGTH) return { ok: false, reason: 'invalid_id' };
      const now = options.now();
      sweep(now);
      if (live(id, now)) return { ok: false, reason: 'duplicate' };
      while (expiries.size >= maxEntries) {
        const oldest = expiries.keys().next();
        if (oldest.done === true) break;
        expiries.delete(oldest.value);
      }
      expiries.set(id, now + windowMs);
      return { ok: true };
    },
    has(id) {
      return live(id, options.now());
    },
    size() {
      sweep(options.now());
      return expiries.size;
    },
  };
}
