/**
 * Room for new active threads under Discord's per-guild cap. When the guild is full, the plan archives
 * threads that no longer need to be active — closed tickets' threads first, then idle ones — the least
 * recently active first, as many as the new threads need. When even that is not enough, the plan refuses
 * with a sentence the person opening the ticket can understand, rather than letting Discord's error through.
 */
import { ACTIVE_THREADS_PER_GUILD_MAX } from 'discord-limits';

/** A thread that may be archived to make room: its ticket is closed, or nobody has written in it for a while. */
export type ThreadCandidate = { threadId: string; reason: 'closed' | 'idle'; lastActivityAt: number };

export type ThreadBudgetInput = {
  /** Active (unarchived) threads in the guild now. */
  activeCount: number;
  /** Threads about to be created or reopened. */
  needed?: number;
  cap?: number;
  candidates: readonly ThreadCandidate[];
};

export type ThreadBudget =
  | { ok: true; archive: string[] }
  | { ok: false; reason: 'active-thread-limit'; archive: string[]; message: string };

const REASON_ORDER: Record<ThreadCandidate['reason'], number> = { closed: 0, idle: 1 };

/** Closed before idle, then least recently active first, then by id so that the order is stable. */
export function archiveOrder(candidates: readonly ThreadCandidate[]): ThreadCandidate[] {
  return [...candidates].sort(
    (a, b) => REASON_ORDER[a.reason] - REASON_ORDER[b.reason] || a.lastActivityAt - b.lastActivityAt || a.threadId.localeCompare(b.threadId),
  );
}

export function planThreadBudget(input: ThreadBudgetInput): ThreadBudget {
  const cap = input.cap ?? ACTIVE_THREADS_PER_GUILD_MAX;
  const needed = Math.max(0, input.needed ?? 1);
  const shortfall = input.activeCount + needed - cap;
  if (shortfall <= 0) return { ok: true, archive: [] };
  const unique = new Map(input.candidates.map((c) => [c.threadId, c]));
  const ordered = archiveOrder([...unique.values()]);
  if (ordered.length >= shortfall) return { ok: true, archive: ordered.slice(0, shortfall).map((c) => c.threadId) };
  const archivable = ordered.length === 0 ? 'none of them belongs to a closed or idle ticket' : `only ${ordered.length} of them can be archived`;
  return {
    ok: false,
    reason: 'active-thread-limit',
    archive: [],
    message: `This server has ${input.activeCount} active threads, Discord's limit is ${cap}, and ${archivable}; archive some threads and try again.`,
  };
}
