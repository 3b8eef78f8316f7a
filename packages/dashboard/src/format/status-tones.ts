/**
 * What each state the hub reports looks like: the indicator colour of the bot, and the badge tone of a
 * ticket, job, delivery, app or stream status. Colour is never the only sign; the text is always shown too.
 */
import type { BotStatus } from '../api/api-types.ts';

export type IndicatorState = 'green' | 'yellow' | 'red' | 'grey';
export type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'info';

/** green connected, yellow connecting or degraded, red offline, grey unknown (no answer yet, or none). */
export function indicatorOf(status: BotStatus | undefined, unreachable: boolean): { state: IndicatorState; label: string } {
  if (!status || unreachable) return { state: 'grey', label: unreachable ? 'Unknown (the hub did not answer)' : 'Unknown' };
  switch (status.state) {
    case 'ready': {
      const shardsDown = status.shards.filter((shard) => shard.state !== 'ready').length;
      if (shardsDown > 0) return { state: 'yellow', label: `Degraded (${shardsDown} shard${shardsDown === 1 ? '' : 's'} not ready)` };
      if (!status.connected) return { state: 'yellow', label: 'Degraded (not connected)' };
      return { state: 'green', label: 'Connected' };
    }
    case 'starting':
    case 'connecting':
      return { state: 'yellow', label: 'Connecting' };
    case 'resuming':
    case 'reconnecting':
      return { state: 'yellow', label: 'Reconnecting' };
    case 'failed':
      return { state: 'red', label: 'Offline (failed)' };
    case 'stopped':
      return { state: 'red', label: 'Offline (stopped)' };
  }
}

const TONES: Record<string, Tone> = {
  // tickets
  open: 'info',
  assigned: 'good',
  pending: 'warn',
  closed: 'neutral',
  // priorities
  low: 'neutral',
  normal: 'info',
  high: 'warn',
  urgent: 'bad',
  // jobs
  running: 'info',
  succeeded: 'good',
  failed: 'bad',
  timed_out: 'bad',
  abandoned: 'warn',
  // deliveries
  delivering: 'info',
  delivered: 'good',
  dead: 'bad',
  // apps
  online: 'good',
  stale: 'warn',
  offline: 'bad',
  // streams
  active: 'good',
  polling: 'good',
  revoked: 'bad',
  // sessions and meetings
  scheduled: 'info',
  cancelled: 'neutral',
  ended: 'neutral',
};

export function toneOf(value: string): Tone {
  return TONES[value] ?? 'neutral';
}
