/** A plausible BotStatus for tests of what /status shows. */
import type { BotStatus } from '../../src/discord/bot-status.ts';

export function sampleStatus(overrides: Partial<BotStatus> = {}): BotStatus {
  return {
    running: true,
    connected: true,
    ready: true,
    state: 'ready',
    uptimeSeconds: 3 * 3_600 + 5 * 60,
    guilds: 3,
    latencyMs: 41.6,
    shards: [{ id: 0, state: 'ready', latencyMs: 41.6, guilds: 3, lastError: null }],
    lastError: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    version: '0.1.0',
    modules: [
      { name: 'core', enabled: true, reason: null },
      { name: 'tickets', enabled: false, reason: 'needs the Message Content intent' },
    ],
    ...overrides,
  };
}
