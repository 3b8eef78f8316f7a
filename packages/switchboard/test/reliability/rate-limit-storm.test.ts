/**
 * Reliability: a storm of 429s from Discord. Every message apps post is answered 429 (user scope, which
 * Discord counts as invalid) while they keep posting in 40 channels at once. The hub's invalid-request breaker
 * must trip and then stop the requests — those queued and those the REST client is retrying too — so that
 * Discord's ban budget (10,000 invalid requests in 10 minutes) is never approached; the process stays
 * healthy: /health 200 and the gateway still up.
 *
 * The breaker's threshold is lowered from 5,000 to 250 here: the REST client honours Discord's global limit
 * of 50 requests a second, so 5,000 invalid requests would take more than 100 seconds of CI time. What is
 * proved — nothing more goes out once the breaker is open — does not depend on the number.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { INVALID_REQUESTS_MAX } from 'discord-limits';
import { RestGuardrails } from '../../src/discord/rest-guardrails.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { eventually, startTestSimulator, type SimStats } from '../support/simulator.ts';
import { api, subscribeReceiver } from './support/hub-process.ts';
import { startConnectedHub } from './support/in-process-hub.ts';

const CHANNELS = 40;
const THRESHOLD = 250;

describeEachDatabase('reliability: a 429 storm', ({ it, open }) => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('the invalid-request breaker trips and stops the requests; the process stays healthy', async () => {
    const sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    cleanups.push(() => sim.close());
    // Each channel is its own rate-limit bucket, so that the REST client has 40 calls going at once.
    const names = Array.from({ length: CHANNELS }, (_, i) => `storm-${i}`);
    const storm = await sim.control<{ guildId: string; channels: Record<string, string> }>('POST', '/guilds', {
      name: 'Storm',
      channels: names.map((name) => ({ name })),
      members: [{ username: 'stormer' }],
    });
    const channelIds = names.map((name) => storm.channels[name]!);
    const { hub, url, adminToken } = await startConnectedHub(await open(), sim);
    cleanups.push(() => hub.stop());
    const rest = hub.discord!.rest;
    rest.guardrails?.detach();
    const guardrails = new RestGuardrails(rest, { threshold: THRESHOLD });
    rest.guardrails = guardrails;
    const { app, receiver } = await subscribeReceiver(url, adminToken, { id: 'noisy', guildId: storm.guildId, channelId: channelIds[0]! });
    cleanups.push(() => receiver.close());

    await sim.control('POST', '/faults', { kind: 'ratelimit', route: '/channels/:channelId/messages', method: 'POST', times: 2 * INVALID_REQUESTS_MAX, retryAfterMs: 1, scope: 'user' });
    let stopPosting = false;
    const statuses: number[] = [];
    const poster = async (channelId: string) => {
      while (!stopPosting) statuses.push((await api(url, app.token, 'POST', `/api/v1/apps/${app.id}/messages`, { channelId, content: 'storm' })).status);
    };
    const posters = channelIds.map(poster);
    const invalidSeen = async () => (await sim.control<SimStats>('GET', '/stats')).rest.invalidRequests.lastWindow;
    try {
      await eventually(() => guardrails.isBreakerOpen(), 'the breaker opened', 30_000);
      const atTrip = await invalidSeen();
      // Calls keep coming for two seconds more: the hub must refuse them itself and end the retries under way.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const later = await invalidSeen();
      // A few responses may race the trip; without the breaker reaching into retries it is ~50 a second.
      assert.ok(later - atTrip <= 10, `${later - atTrip} more invalid requests reached Discord after the breaker opened (${atTrip} at the trip)`);
      assert.ok(later < THRESHOLD * 2, `Discord saw ${later} invalid requests for a breaker at ${THRESHOLD}`);
    } finally {
      stopPosting = true;
      await sim.control('DELETE', '/faults');
      await Promise.all(posters);
    }
    assert.ok(statuses.length > 0 && statuses.every((s) => s < 500 || s === 503), `the API answered ${[...new Set(statuses)].join(', ')}`);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal(hub.discord!.status().ready, true, 'the gateway is still up');
  });
});
