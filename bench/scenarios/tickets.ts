/**
 * Tickets under Discord's rate limits: the ticket module's channel manager opens many tickets at once
 * (a thread each, its first message, its staff) against the simulator with realistic limits. Reports the
 * 429s (only bucket discovery may cost any) and the total time against the least time the limits allow,
 * which the simulator computes from the requests it let through (`GET /_sim/ratelimits/minimum-time`).
 */
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { TicketChannelManager } from '../../packages/switchboard/src/modules/tickets/discord/ticket-channel-manager.ts';
import { ticketMessage } from '../../packages/switchboard/src/modules/tickets/discord/ticket-embed.ts';
import { measure } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { BENCH_BOT_TOKEN, startSimulatorProcess } from '../lib/simulator.ts';

type Stats = { rest: { total: number; rateLimited: number; globalRateLimited: number } };
type MinimumTime = { minimumMs: number; bindingBucket: string | null; buckets: number; requests: number };

const CATEGORIES = ['general-support', 'bug-reports', 'billing', 'accounts', 'feedback'];

function ticket(guildId: string, channelName: string, number: number, creatorId: string, staffRoleIds: string[]) {
  const title = `Problem number ${number}`;
  const { embed, components } = ticketMessage({
    ticketId: `t${number}`,
    number,
    title,
    description: 'Something is broken.',
    creatorId,
    status: 'open',
    priority: 'normal',
    category: { name: channelName },
    createdAt: new Date(),
    dashboardUrl: `https://hub.example/tickets/t${number}`,
  });
  return { guildId, ticketCategory: { channelName }, number, title, creatorId, staffRoleIds, embed, components };
}

export const ticketsScenario: Scenario = {
  name: 'tickets',
  description: 'tickets opened at once under realistic rate limits; 429s and total time vs the least time the limits allow',
  async run({ quick, log, note }) {
    const count = quick ? 60 : 200;
    note(`${count} tickets in ${CATEGORIES.length} categories, opened at once`);
    const sim = await startSimulatorProcess({ rateLimits: true });
    try {
      const guild = await sim.control<{ guildId: string; roles: Record<string, string>; members: Record<string, string> }>('POST', '/guilds', {
        name: 'Bench tickets',
        roles: [{ name: 'Staff' }],
        members: [
          ...Array.from({ length: 3 }, (_, i) => ({ username: `staff${i}`, roles: ['Staff'] })),
          ...Array.from({ length: 20 }, (_, i) => ({ username: `asker${i}` })),
        ],
      });
      const staff = guild.roles.Staff ?? '';
      const askers = Object.entries(guild.members).filter(([name]) => name.startsWith('asker')).map(([, id]) => id);
      const api = new API(new REST({ version: '10', api: sim.apiBase }).setToken(BENCH_BOT_TOKEN));
      const manager = new TicketChannelManager({ api });
      await manager.ensureLayout(guild.guildId, CATEGORIES.map((channelName) => ({ channelName })));
      await sim.control('POST', '/ratelimits/reset');
      await sim.control('POST', '/stats/reset');

      const started = performance.now();
      const opened = await Promise.all(
        Array.from({ length: count }, (_, i) => manager.openThread(ticket(guild.guildId, CATEGORIES[i % CATEGORIES.length] ?? '', i + 1, askers[i % askers.length] ?? '', [staff]))),
      );
      const elapsedMs = performance.now() - started;
      const stats = await sim.control<Stats>('GET', '/stats');
      const minimum = await sim.control<MinimumTime>('GET', '/ratelimits/minimum-time');
      const distinct = new Set(opened.map((o) => o.threadId)).size;
      log(`${distinct} tickets in ${Math.round(elapsedMs)} ms; minimum ${minimum.minimumMs} ms (${minimum.bindingBucket ?? 'none'}); ${stats.rest.rateLimited} × 429 over ${minimum.buckets} buckets`);
      note(`${stats.rest.total} REST requests in ${minimum.buckets} buckets; the binding limit is ${minimum.bindingBucket ?? 'none'}`);
      return [
        measure({ metric: 'tickets opened', unit: 'tickets', value: distinct, target: { kind: 'at-least', limit: count } }),
        // Discovery: a client learns a bucket's limit from its first answer, so at most one 429 per bucket.
        measure({ metric: '429 answers', unit: 'requests', value: stats.rest.rateLimited, target: { kind: 'at-most', limit: minimum.buckets } }),
        measure({ metric: 'total time', unit: 'ms', value: elapsedMs, baseline: { name: 'minimum the limits allow', value: minimum.minimumMs }, target: { kind: 'at-most', limit: 1.2, of: 'ratio' } }),
      ];
    } finally {
      await sim.stop();
    }
  },
};
