/**
 * Interactions: members click the answer buttons of an attendance session (a built-in module) at a steady
 * rate, through the simulator with its realistic rate limits. The simulator times each click from the
 * INTERACTION_CREATE dispatch to the hub's callback and reports missed 3-second deadlines.
 */
import { startHubProcess } from '../lib/hub-process.ts';
import { summarize } from '../lib/percentiles.ts';
import { measure } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { startSimulatorProcess } from '../lib/simulator.ts';
import { sleep, waitUntil } from '../lib/timing.ts';

type Click = { callback: unknown; deadlineMissed: boolean; elapsedMs: number };
type SimMessage = { id: string; embeds?: { title?: string }[]; components?: { components: { custom_id?: string }[] }[] };
type Stats = { interactions: { created: number; deadlinesMissed: number } };

export const interactionsScenario: Scenario = {
  name: 'interactions',
  description: 'attendance answer buttons clicked at a steady rate; dispatch → callback latency and missed 3 s deadlines',
  async run({ quick, log, note }) {
    const rate = 200;
    const seconds = quick ? 2 : 10;
    const memberCount = 200;
    note(`${rate} clicks/s for ${seconds} s by ${memberCount} members, simulator with realistic rate limits`);
    const sim = await startSimulatorProcess({ rateLimits: true });
    try {
      const members = Array.from({ length: memberCount }, (_, i) => ({ username: `member${i}` }));
      const ids = await sim.control<{ guildId: string; ownerId: string; channels: Record<string, string>; members: Record<string, string> }>('POST', '/guilds', {
        name: 'Bench interactions',
        channels: [{ name: 'events' }],
        members,
      });
      const users = Object.values(ids.members);
      const channelId = ids.channels.events ?? '';
      const hub = await startHubProcess(sim.apiBase);
      try {
        await waitUntil(
          async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${ids.guildId}`)).some((c) => c.name === 'session'),
          'the hub registered /session',
          30_000,
          50,
        );
        await sim.control('POST', '/interactions', {
          kind: 'command',
          name: 'session create',
          options: { title: 'Benchmark night', start: '2031-03-28 20:00', timezone: 'Europe/Berlin', duration: 120 },
          channelId,
          userId: ids.ownerId,
          waitMs: 3_500,
        });
        let message: SimMessage | undefined;
        await waitUntil(async () => {
          message = (await sim.control<SimMessage[]>('GET', `/channels/${channelId}/messages`)).find((m) => m.embeds?.[0]?.title?.includes('Benchmark night'));
          return message !== undefined;
        }, 'the session message was posted', 15_000, 50);
        const buttons = (message?.components ?? []).flatMap((row) => row.components.map((c) => c.custom_id ?? '')).filter((id) => /:(yes|no|maybe|late)$/.test(id));
        if (buttons.length === 0) throw new Error('the session message has no answer buttons');

        await sim.control('POST', '/stats/reset');
        const clicks: Promise<Click>[] = [];
        const total = rate * seconds;
        const started = performance.now();
        for (let i = 0; i < total; i++) {
          // Paced against the clock, not by sleeping a fixed gap, so that timer lateness does not lower the rate.
          const due = started + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          const userId = users[i % users.length];
          const customId = buttons[(i * 7) % buttons.length];
          clicks.push(sim.control<Click>('POST', '/interactions', { kind: 'component', messageId: message?.id, customId, userId }));
        }
        const offeredRate = (total / (performance.now() - started)) * 1000;
        const results = await Promise.all(clicks);
        const stats = await sim.control<Stats>('GET', '/stats');
        const latency = summarize(results.filter((r) => r.callback !== null).map((r) => r.elapsedMs));
        const missed = results.filter((r) => r.deadlineMissed).length;
        log(`offered ${Math.round(offeredRate)} clicks/s; p50 ${latency.p50} p95 ${latency.p95} p99 ${latency.p99} ms; ${missed} missed (simulator: ${stats.interactions.deadlinesMissed})`);
        note(`clicks offered at ${Math.round(offeredRate)}/s; the simulator counted ${stats.interactions.created} interactions`);
        return [
          measure({ metric: 'clicks answered', unit: 'clicks', value: results.length - missed, target: { kind: 'at-least', limit: total } }),
          measure({ metric: 'dispatch → callback p50', unit: 'ms', value: latency.p50 }),
          measure({ metric: 'dispatch → callback p95', unit: 'ms', value: latency.p95 }),
          measure({ metric: 'dispatch → callback p99', unit: 'ms', value: latency.p99, target: { kind: 'at-most', limit: 30 } }),
          measure({ metric: 'missed 3 s deadlines (simulator)', unit: 'clicks', value: Math.max(missed, stats.interactions.deadlinesMissed), target: { kind: 'at-most', limit: 0 } }),
        ];
      } finally {
        await hub.stop();
      }
    } finally {
      await sim.stop();
    }
  },
};
