import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiscordAPIError } from '@discordjs/rest';
import { Routes, type APIChannel } from 'discord-api-types/v10';
import { seedDemoGuild, startSimulator, type Simulator } from 'discord-sim';
import { GuardedRest, RestCallRefused } from '../../src/discord/guarded-rest.ts';
import { RestGuardrails } from '../../src/discord/rest-guardrails.ts';

const FAKE_ID = '123456789012345678';

async function simControl(sim: Simulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} /_sim${path} answered ${response.status}`);
  return response.json();
}

async function requestsSeenBySimulator(sim: Simulator): Promise<number> {
  const stats = (await simControl(sim, 'GET', '/stats')) as { rest: { total: number } };
  return stats.rest.total;
}

function guarded(sim: Simulator, options: ConstructorParameters<typeof RestGuardrails>[1] = {}) {
  const rest = new GuardedRest({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken) as GuardedRest;
  const guardrails = new RestGuardrails(rest, options);
  rest.guardrails = guardrails;
  return { rest, guardrails };
}

describe('GuardedRest against the simulator', () => {
  let sim: Simulator;
  let channelId: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    channelId = seedDemoGuild(sim).channels.general ?? assert.fail('the demo guild has #general');
  });

  after(() => sim.close());

  it('passes the call through and returns its result while nothing is wrong', async () => {
    const { rest } = guarded(sim);
    const path = Routes.channel(channelId);
    const channel = (await rest.get(path)) as APIChannel;
    assert.equal(channel.id, channelId);
  });

  it('refuses normal calls without sending them while the breaker is open, and lets essential ones through', async () => {
    const { rest } = guarded(sim, { threshold: 20, closeBelow: 10 });
    const path = Routes.channel(channelId);
    await simControl(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 20 });
    for (let i = 0; i < 20; i++) {
      await assert.rejects(rest.get(path), DiscordAPIError);
    }

    const seen = await requestsSeenBySimulator(sim);
    await assert.rejects(rest.get(path), (error: unknown) => {
      assert.ok(error instanceof RestCallRefused);
      assert.equal(error.reason, 'breaker-open');
      assert.equal(error.path, path);
      assert.match(error.message, /20 in the last 10 minutes, limit 20/);
      return true;
    });
    assert.equal(await requestsSeenBySimulator(sim), seen, 'nothing reached the simulator');

    // An interaction response is essential: a user is waiting. It goes out (here to an unknown interaction, so 404).
    const callback = Routes.interactionCallback(FAKE_ID, 'some-token');
    await assert.rejects(rest.post(callback, { body: { type: 4, data: { content: 'hi' } }, auth: false }), (error: unknown) => error instanceof DiscordAPIError && error.status === 404);
    assert.equal(await requestsSeenBySimulator(sim), seen + 1, 'the essential call reached the simulator');
  });

  it('refuses every call with a token Discord already called unknown, essential ones too', async () => {
    const { rest } = guarded(sim);
    const callback = Routes.interactionCallback(FAKE_ID, 'stale-token');
    await assert.rejects(
      rest.post(callback, { body: { type: 4, data: { content: 'hi' } }, auth: false }),
      (error: unknown) => error instanceof DiscordAPIError && error.status === 404,
    );

    const followUp = Routes.webhook(sim.applicationId, 'stale-token');
    const seen = await requestsSeenBySimulator(sim);
    await assert.rejects(
      rest.post(followUp, { body: { content: 'still there?' }, auth: false }),
      (error: unknown) => error instanceof RestCallRefused && error.reason === 'dead-token' && /unknown or expired/.test(error.message),
    );
    assert.equal(await requestsSeenBySimulator(sim), seen, 'nothing reached the simulator');
  });
});
