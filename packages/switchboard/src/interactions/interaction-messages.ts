/** What the router tells people when it answers for a module: short, ephemeral, and saying what to do. */
import { describeDelay } from '../discord/backoff.ts';

/** For someone over the per-user interaction budget. */
export function rateLimitedMessage(retryAfterMs: number): string {
  if (!Number.isFinite(retryAfterMs)) return "You can't use my commands right now; please tell the server's admins.";
  return `You're going a bit fast — try again ${describeDelay(Math.max(retryAfterMs, 1))}.`;
}

export function unknownCommandMessage(name: string): string {
  return `I don't have a \`/${name}\` command any more — it may have been removed or renamed. \`/help\` lists the ones I have.`;
}

export function unknownComponentMessage(): string {
  return 'This no longer does anything — what it belonged to has been removed or is switched off.';
}

export function unknownModalMessage(): string {
  return 'This form can no longer be submitted — what it belonged to has been removed or is switched off.';
}

/** For a failure that is a bug or unexpected; the reference is also in the log line. */
export function unexpectedErrorMessage(reference: string): string {
  return `Something went wrong on my side. If it keeps happening, tell the server's admins and mention reference ${reference}.`;
}

/** For a handler that returned without answering: Discord would otherwise show "The application did not respond". */
export const NOTHING_TO_SAY_MESSAGE = 'Done.';
