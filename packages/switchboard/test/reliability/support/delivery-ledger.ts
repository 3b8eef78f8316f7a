/**
 * A ledger over what a webhook receiver got: for each `message.create` delivery, the message's content, and the
 * `webhook-id` of its first arrival. It answers which expected messages never arrived, how many arrived twice,
 * and whether a repeat ever carried a different `webhook-id` (which would make the app's dedupe useless).
 */
import type { ReceivedWebhook } from '../../support/webhook-receiver.ts';

export type LedgerReport = {
  distinct: number;
  duplicates: number;
  missing: string[];
  /** Contents whose repeats arrived under another webhook-id than the first delivery. */
  idMismatches: string[];
  unverified: number;
};

function contentOf(hook: ReceivedWebhook): string | undefined {
  const payload = hook.payload as { type?: string; data?: { content?: unknown } } | undefined;
  if (payload?.type !== 'message.create') return undefined;
  return typeof payload.data?.content === 'string' ? payload.data.content : undefined;
}

export function distinctContents(received: readonly ReceivedWebhook[]): number {
  return new Set(received.map(contentOf).filter((c) => c !== undefined)).size;
}

export function ledgerOf(received: readonly ReceivedWebhook[], expected: readonly string[]): LedgerReport {
  const firstId = new Map<string, string>();
  let duplicates = 0;
  let unverified = 0;
  const idMismatches = new Set<string>();
  for (const hook of received) {
    if (!hook.verified) {
      unverified += 1;
      continue;
    }
    const content = contentOf(hook);
    if (content === undefined) continue;
    const first = firstId.get(content);
    if (first === undefined) {
      firstId.set(content, hook.webhookId);
      continue;
    }
    duplicates += 1;
    if (first !== hook.webhookId) idMismatches.add(content);
  }
  return {
    distinct: firstId.size,
    duplicates,
    missing: expected.filter((content) => !firstId.has(content)),
    idMismatches: [...idMismatches],
    unverified,
  };
}

/** The contents the simulator's load generator gives messages 1…count. */
export function loadMessageContents(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => `load message ${from + i}`);
}
