import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { INTERACTION_TOKEN_LIFETIME_MS, INVALID_REQUESTS_WINDOW_MS } from 'discord-limits';
import { seedDemoGuild, startSimulator, type Simulator } from 'discord-sim';
import {
  DEFAULT_INVALID_REQUEST_THRESHOLD,
  interactionTokenOf,
  restRouteTemplate,
  RestGuardrails,
  type BreakerChange,
} from '../../src/discord/rest-guardrails.ts';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { sampleValue } from '../support/metrics-text.ts';

const FAKE_ID = '123456789012345678';

/** A clock the test moves by hand, starting now so that it agrees with the simulator's. */
function manualClock() {
  let time = Date.now();
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} /_sim${path} answered ${response.status}: ${await response.clone().text()}`);
  return response.json();
}

type SimStats = { rest: { total: number; invalidRequests: { lastWindow: number } } };
const stats = (sim: Simulator) => control(sim, 'GET', '/stats') as Promise<SimStats>;

/** Runs `call` and returns the status of the Discord error it must end with. */
async function failingStatus(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof DiscordAPIError, `expected a DiscordAPIError, got ${String(error)}`);
    return error.status;
  }
  assert.fail('the call was expected to fail');
}

describe('restRouteTemplate', () => {
  it('replaces ids, tokens, emoji and codes so that labels stay few', () => {
    assert.equal(restRouteTemplate('/channels/1234567890123456789/messages/987654321098765432'), '/channels/:id/messages/:id');
    assert.equal(restRouteTemplate('/interactions/1234567890/aW50ZXJhY3Rpb246dG9rZW4/callback?with_response=true'), '/interactions/:id/:token/callback');
    assert.equal(restRouteTemplate('/webhooks/111/some.token-value/messages/@original'), '/webhooks/:id/:token/messages/@original');
    assert.equal(restRouteTemplate('/channels/1/messages/2/reactions/%F0%9F%91%8D/@me'), '/channels/:id/messages/:id/reactions/:emoji/@me');
    assert.equal(restRouteTemplate('/guilds/5/members/@me'), '/guilds/:id/members/@me');
    assert.equal(restRouteTemplate(Routes.webhookMessage('5', 'tok', '@original')), '/webhooks/:id/:token/messages/@original');
    assert.equal(restRouteTemplate(Routes.user('@me')), '/users/@me');
    assert.equal(restRouteTemplate('/invites/discord-developers'), '/invites/:code');
    assert.equal(restRouteTemplate('/api/v10/guilds/5/scheduled-events'), '/guilds/:id/scheduled-events');
    assert.equal(restRouteTemplate('/guilds/5/emojis/Some%20Thing'), '/guilds/:id/emojis/:param');
  });

  it('finds the token in interaction and webhook paths only', () => {
    assert.equal(interactionTokenOf('/interactions/1/tok/callback'), 'tok');
    assert.equal(interactionTokenOf('/webhooks/1/tok/messages/@original?thread_id=2'), 'tok');
    assert.equal(interactionTokenOf('/channels/1/messages'), undefined);
    assert.equal(interactionTokenOf('/webhooks/1'), undefined);
  });
});

describe('RestGuardrails against the simulator', () => {
  let sim: Simulator;
  let channelId: string;
  let userId: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    const ids = seedDemoGuild(sim);
    channelId = ids.channels.general ?? assert.fail('the demo guild has #general');
    userId = Object.values(ids.members)[1] ?? assert.fail('the demo guild has members');
  });

  after(() => sim.close());

  beforeEach(async () => {
    await control(sim, 'DELETE', '/faults');
    await control(sim, 'POST', '/ratelimits/reset');
  });

  function setup(options: { threshold?: number; closeBelow?: number } = {}) {
    const rest = new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken);
    const clock = manualClock();
    const metrics = new HubMetrics({ defaultMetrics: false });
    const trips: BreakerChange[] = [];
    const closes: BreakerChange[] = [];
    const guardrails = new RestGuardrails(rest, {
      ...options,
      metrics,
      now: clock.now,
      onTrip: (change) => trips.push(change),
      onClose: (change) => closes.push(change),
    });
    return { rest, clock, metrics, guardrails, trips, closes };
  }

  it("trips by default at half of Discord's ban threshold", () => {
    const { guardrails } = setup();
    assert.equal(guardrails.threshold, 5_000);
    assert.equal(DEFAULT_INVALID_REQUEST_THRESHOLD, 5_000);
    assert.throws(() => setup({ threshold: 10, closeBelow: 20 }), RangeError);
  });

  it('counts 401, 403 and non-shared 429 as invalid, as Discord does, and nothing else', async () => {
    const { rest, guardrails, metrics } = setup();
    const before = (await stats(sim)).rest.invalidRequests.lastWindow;

    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 3 });
    for (let i = 0; i < 3; i++) assert.equal(await failingStatus(() => rest.get(Routes.channel(channelId))), 403);
    // Shared-scope 429s: the client waits and retries; Discord does not count them, neither do we.
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', method: 'GET', route: '/channels/:id', times: 2, retryAfterMs: 20, scope: 'shared' });
    await rest.get(Routes.channel(channelId));
    // User-scope 429s count.
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', method: 'GET', route: '/channels/:id', times: 2, retryAfterMs: 20, scope: 'user' });
    await rest.get(Routes.channel(channelId));
    // A 404 and a 400 are mistakes, but not ones Discord counts towards the ban.
    assert.equal(await failingStatus(() => rest.get(Routes.channel(FAKE_ID))), 404);
    assert.equal(await failingStatus(() => rest.post(Routes.channelMessages(channelId), { body: { content: '' } })), 400);

    assert.equal(guardrails.invalidRequestCount(), 5);
    assert.equal((await stats(sim)).rest.invalidRequests.lastWindow - before, 5, 'the simulator counted the same requests');

    const unauthorised = new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken('not-the-token');
    const other = new RestGuardrails(unauthorised);
    assert.equal(await failingStatus(() => unauthorised.get(Routes.user('@me'))), 401);
    assert.equal(other.invalidRequestCount(), 1);

    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_rest_requests_total', { route: '/channels/:id', method: 'GET', status: '403' }), 3);
    assert.equal(sampleValue(text, 'switchboard_discord_rest_requests_total', { route: '/channels/:id', method: 'GET', status: '200' }), 2);
    assert.equal(sampleValue(text, 'switchboard_discord_rest_requests_total', { route: '/channels/:id/messages', method: 'POST', status: '400' }), 1);
    assert.equal(sampleValue(text, 'switchboard_discord_rate_limited_total', { route: '/channels/:id', scope: 'shared', global: 'false' }), 2);
    assert.equal(sampleValue(text, 'switchboard_discord_rate_limited_total', { route: '/channels/:id', scope: 'user', global: 'false' }), 2);
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_requests'), 5);
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_request_breaker_open'), 0);
  });

  it('labels global 429s as global', async () => {
    const { rest, metrics } = setup();
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', route: '/users/@me', times: 1, retryAfterMs: 20, global: true });
    await rest.get(Routes.user('@me'));
    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_rate_limited_total', { route: '/users/@me', scope: 'global', global: 'true' }), 1);
  });

  it('trips the breaker once at the threshold, refuses normal calls, and closes as the window empties', async () => {
    const { rest, clock, metrics, guardrails, trips, closes } = setup({ threshold: 20, closeBelow: 10 });
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 25 });
    for (let i = 0; i < 19; i++) await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(guardrails.allows('normal'), true, 'one below the threshold');
    assert.equal(trips.length, 0);

    await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(guardrails.isBreakerOpen(), true);
    assert.equal(guardrails.allows('normal'), false);
    assert.equal(guardrails.allows('essential'), true);
    assert.deepEqual(trips, [{ invalidRequests: 20, threshold: 20, closeBelow: 10, windowMs: INVALID_REQUESTS_WINDOW_MS }]);

    // More invalid answers while open do not call onTrip again.
    for (let i = 0; i < 5; i++) await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(trips.length, 1);
    let text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_request_breaker_open'), 1);
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_requests'), 25);

    // Nothing new happens; time alone empties the window and a scrape shows it.
    clock.advance(INVALID_REQUESTS_WINDOW_MS + 1_000);
    text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_requests'), 0);
    assert.equal(sampleValue(text, 'switchboard_discord_invalid_request_breaker_open'), 0);
    assert.equal(closes.length, 1);
    assert.equal(guardrails.allows('normal'), true);

    // A second burst trips it a second time.
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 20 });
    for (let i = 0; i < 20; i++) await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(trips.length, 2);
  });

  it('keeps the breaker open until the count falls below the lower mark, not just below the threshold', async () => {
    const { rest, clock, guardrails } = setup({ threshold: 20, closeBelow: 10 });
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 20 });
    for (let i = 0; i < 12; i++) await failingStatus(() => rest.get(Routes.channel(channelId)));
    clock.advance(5 * 60_000);
    for (let i = 0; i < 8; i++) await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(guardrails.isBreakerOpen(), true);
    // The first 12 leave the window; 8 remain, below the lower mark of 10.
    clock.advance(5 * 60_000 + 1_000);
    assert.equal(guardrails.invalidRequestCount(), 8);
    assert.equal(guardrails.isBreakerOpen(), false);
  });

  it('keeps the REST call working when onTrip throws, and counts the failure', async () => {
    const rest = new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken);
    const metrics = new HubMetrics({ defaultMetrics: false });
    const guardrails = new RestGuardrails(rest, {
      metrics,
      threshold: 1,
      closeBelow: 1,
      onTrip: () => {
        throw new Error('the alert could not be sent');
      },
    });
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 1 });
    assert.equal(await failingStatus(() => rest.get(Routes.channel(channelId))), 403);
    assert.equal(guardrails.isBreakerOpen(), true);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_errors_total', { type: 'rest_guardrails_callback' }), 1);
  });

  it('remembers a token whose interaction callback answered 404, for its whole lifetime only', async () => {
    const { rest, clock, guardrails } = setup();
    const status = await failingStatus(() =>
      rest.post(Routes.interactionCallback(FAKE_ID, 'expired-token'), { body: { type: 4, data: { content: 'late' } }, auth: false }),
    );
    assert.equal(status, 404);
    assert.equal(guardrails.isDeadToken(Routes.interactionCallback(FAKE_ID, 'expired-token')), true);
    // Follow-ups use the same token through the webhook routes.
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'expired-token')), true);
    assert.equal(guardrails.isDeadToken(Routes.webhookMessage(sim.applicationId, 'expired-token', '@original')), true);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'another-token')), false);
    assert.equal(guardrails.invalidRequestCount(), 0, 'a 404 is not an invalid request');

    clock.advance(INTERACTION_TOKEN_LIFETIME_MS + 1);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'expired-token')), false);
  });

  it('marks a token dead when a follow-up finds the webhook unknown, but not when only a message is missing', async () => {
    const { rest, guardrails } = setup();
    await rest.put(Routes.applicationCommands(sim.applicationId), { body: [{ name: 'ping', description: 'Answers pong', type: 1 }] });
    const run = (await control(sim, 'POST', '/interactions', { kind: 'command', name: 'ping', channelId, userId, waitMs: 0 })) as {
      interactionId: string;
      token: string;
    };
    await rest.post(Routes.interactionCallback(run.interactionId, run.token), { body: { type: 4, data: { content: 'pong' } }, auth: false });

    const missing = await failingStatus(() =>
      rest.patch(Routes.webhookMessage(sim.applicationId, run.token, FAKE_ID), { body: { content: 'edit' }, auth: false }),
    );
    assert.equal(missing, 404);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, run.token)), false, 'the token still works');
    await rest.post(Routes.webhook(sim.applicationId, run.token), { body: { content: 'a follow-up' }, auth: false });

    const unknown = await failingStatus(() => rest.post(Routes.webhook(sim.applicationId, 'never-issued'), { body: { content: 'x' }, auth: false }));
    assert.equal(unknown, 404);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'never-issued')), true);
  });

  it('forgets the oldest dead tokens beyond its bound', async () => {
    const rest = new REST({ version: '10', api: sim.apiBase, retries: 0 });
    const guardrails = new RestGuardrails(rest, { deadTokensMax: 2 });
    for (const token of ['first', 'second', 'third']) {
      await failingStatus(() => rest.post(Routes.interactionCallback(FAKE_ID, token), { body: { type: 1 }, auth: false }));
    }
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'first')), false);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'second')), true);
    assert.equal(guardrails.isDeadToken(Routes.webhook(sim.applicationId, 'third')), true);
  });

  it('stops counting once detached', async () => {
    const { rest, guardrails } = setup();
    guardrails.detach();
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 1 });
    await failingStatus(() => rest.get(Routes.channel(channelId)));
    assert.equal(guardrails.invalidRequestCount(), 0);
  });
});

describe('RestGuardrails with the count of every instance', () => {
  /** The shared count as the guardrails see it: a total that another instance's requests move. */
  function sharedCount() {
    let total: number | undefined = 0;
    let added = 0;
    const listeners = new Set<() => void>();
    return {
      shared: {
        add: () => void added++,
        total: () => total,
        onChange: (listener: () => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      /** Another instance's sync brought a new total (undefined: Redis failed). */
      set(value: number | undefined) {
        total = value;
        for (const listener of listeners) listener();
      },
      listenerCount: () => listeners.size,
      added: () => added,
    };
  }

  it("trips on the other instances' invalid requests without a call of its own, and closes with them", () => {
    const count = sharedCount();
    const trips: BreakerChange[] = [];
    const closes: BreakerChange[] = [];
    const guardrails = new RestGuardrails(new REST(), {
      threshold: 20,
      closeBelow: 10,
      sharedInvalidRequests: count.shared,
      onTrip: (change) => trips.push(change),
      onClose: (change) => closes.push(change),
    });
    count.set(19);
    assert.equal(trips.length, 0);
    count.set(20);
    assert.equal(trips.length, 1);
    assert.equal(trips[0]?.invalidRequests, 20);
    assert.equal(guardrails.allows('normal'), false);
    count.set(9);
    assert.equal(closes.length, 1);
    assert.equal(guardrails.allows('normal'), true);
    guardrails.detach();
    assert.equal(count.listenerCount(), 0, 'detaching stops listening to the shared count');
  });

  it('goes by its own count while the shared one is unknown or behind', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const channelId = seedDemoGuild(sim).channels.general ?? assert.fail('the demo guild has #general');
      const count = sharedCount();
      const rest = new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken);
      const guardrails = new RestGuardrails(rest, { sharedInvalidRequests: count.shared });
      await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 3 });
      count.set(undefined);
      for (let i = 0; i < 3; i++) assert.equal(await failingStatus(() => rest.get(Routes.channel(channelId))), 403);
      assert.equal(guardrails.invalidRequestCount(), 3, 'Redis failed: its own three');
      assert.equal(count.added(), 3, 'each of them was added to the shared count');
      count.set(100);
      assert.equal(guardrails.invalidRequestCount(), 100, 'every instance');
      count.set(1);
      assert.equal(guardrails.invalidRequestCount(), 3, 'never less than what it saw itself');
    } finally {
      await sim.close();
    }
  });
});
