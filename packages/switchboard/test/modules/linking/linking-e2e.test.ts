/**
 * Account linking end to end, on each database: the hub connected to the simulator, one OAuth test server
 * per provider (oauth2-mock-server for /authorize and /token, with the provider's quirks; its user, revoke
 * and validate endpoints answered here), and a browser played by fetch over real HTTP.
 *
 * /link → the one-time link → the provider → the callback → the stored, sealed connection, for Twitch,
 * YouTube, Kick and Discord; /connections and /unlink (revocation arrives at the provider, Kick in query
 * style; a failed revocation still deletes); refresh (Kick's rotation, Discord's dead grant → one DM, two
 * instances → one refresh per connection); Twitch's hourly validation; 200 concurrent callbacks on one
 * state; every refusal logged; the admin statistics.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { linkCookieFor } from '../../../src/http/cookies.ts';
import { hashToken } from '../../../src/modules/linking/oauth-state.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import type { OAuthPlatform } from '../../../src/storage/schema.ts';
import { capturedLogger, type LogLine } from '../../support/captured-logger.ts';
import { freePort } from '../../support/cli.ts';
import { describeEachDatabase, type TestDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

type MutableResponse = { body: Record<string, unknown> | string; statusCode: number };
type Shaper = (response: MutableResponse, body: Record<string, string>) => void;
type Callback = { callback: { type: number; data?: { content?: string; flags?: number; components?: { components: { url?: string; style?: number }[] }[] } } | null };

const PLATFORMS: readonly OAuthPlatform[] = ['twitch', 'youtube', 'kick', 'discord'];

const IDENTITIES: Record<OAuthPlatform, { body: unknown; id: string; name: string }> = {
  twitch: { body: { data: [{ id: '141981764', login: 'ada_codes', display_name: 'AdaCodes' }] }, id: '141981764', name: 'AdaCodes' },
  youtube: { body: { items: [{ id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', snippet: { title: 'Ada on YouTube' } }] }, id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', name: 'Ada on YouTube' },
  kick: { body: { data: [{ user_id: 4242, name: 'ada_kicks' }] }, id: '4242', name: 'ada_kicks' },
  discord: { body: { id: '80351110224678912', username: 'ada', global_name: 'Ada <Lovelace>' }, id: '80351110224678912', name: 'Ada <Lovelace>' },
};

/** One provider: oauth2-mock-server behind a small front that answers /userinfo, /revoke and /validate itself. */
class ProviderMock {
  readonly issuer = new OAuth2Issuer();
  readonly service = new OAuth2Service(this.issuer);
  readonly server: http.Server;
  tokenRequests: Record<string, string>[] = [];
  /** Successful token answers, after shaping. */
  issued: { accessToken: string; refreshToken: string | undefined }[] = [];
  revokeRequests: { url: URL; body: URLSearchParams }[] = [];
  userInfoRequests: http.IncomingHttpHeaders[] = [];
  validateRequests: http.IncomingHttpHeaders[] = [];
  revokeStatus = 200;
  validateStatus = 200;
  shape: Shaper = () => {};
  readonly platform: OAuthPlatform;

  constructor(platform: OAuthPlatform) {
    this.platform = platform;
    this.server = http.createServer((req, res) => void this.#handle(req, res));
    this.service.on('beforeResponse', (response: MutableResponse, req: { body: Record<string, string> }) => {
      this.tokenRequests.push({ ...req.body });
      // None of the four sends an id_token without `openid`, which is never requested.
      if (typeof response.body === 'object') delete response.body['id_token'];
      this.shape(response, req.body);
      if (response.statusCode === 200 && typeof response.body === 'object') {
        this.issued.push({ accessToken: String(response.body['access_token']), refreshToken: response.body['refresh_token'] as string | undefined });
      }
    });
  }

  async start(): Promise<void> {
    await this.issuer.keys.generate('RS256');
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return this.issuer.url!;
  }

  refreshRequests(): Record<string, string>[] {
    return this.tokenRequests.filter((r) => r['grant_type'] === 'refresh_token');
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (url.pathname === '/userinfo') {
      this.userInfoRequests.push(req.headers);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!this.issued.some((t) => t.accessToken === token)) return reply(401, { message: 'invalid token' });
      return reply(200, IDENTITIES[this.platform].body);
    }
    if (url.pathname === '/validate') {
      this.validateRequests.push(req.headers);
      return reply(this.validateStatus, this.validateStatus === 200 ? { client_id: 'twitch-client', expires_in: 3600 } : { status: 401, message: 'invalid access token' });
    }
    if (url.pathname === '/revoke') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.revokeRequests.push({ url, body: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
      return reply(this.revokeStatus);
    }
    (this.service.requestHandler as unknown as http.RequestListener)(req, res);
  }
}

function setCookieOf(response: Response): string {
  const header = response.headers.get('set-cookie');
  assert.ok(header, 'a Set-Cookie header');
  return header;
}

describeEachDatabase('account linking end to end', ({ it, open, openAgain }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let database: TestDatabase;
  let publicUrl = '';
  let env: Record<string, string> = {};
  let admin = '';
  let viewer = '';
  const captured = capturedLogger('info');
  const mocks = Object.fromEntries(PLATFORMS.map((p) => [p, new ProviderMock(p)])) as Record<OAuthPlatform, ProviderMock>;
  /** Every state, code and one-time token seen: none may ever reach the log. */
  const secretsSeen: string[] = [];
  /** What the runs below should add up to in /admin/oauth/stats. */
  const expected = { active: 0, used: 0, burned: 0, expired: 0, replaysRefused: 0, expiredRefused: 0 };
  const kickLive = new Set<string>();
  let discordGrantDead = false;

  const member = (name: string) => sim.demo.members[name]!;
  // What is checked here is the answer, not its speed (the interaction tests and `npm run bench` time it):
  // a generous wait keeps a machine busy with other test files from failing it.
  const command = (name: string, userId: string, options: Record<string, string> = {}) =>
    sim.control<Callback>('POST', '/interactions', { kind: 'command', name, options, userId, channelId: sim.demo.channels.events, waitMs: 15_000 });
  const logsWith = (msg: string): LogLine[] => captured.lines.filter((l) => l.msg === msg);
  const refreshJob = (h: Hub) => h.linking.jobs.find((j) => j.name === 'linking.token-refresh')!;
  const runJob = async (h: Hub, name: string) => h.linking.jobs.find((j) => j.name === name)!.run({ now: Date.now(), signal: new AbortController().signal });

  /** /link in Discord → the one-time link from its button. */
  async function linkButton(platform: OAuthPlatform, userId: string): Promise<string> {
    const answer = await command('link', userId, { platform });
    assert.equal(answer.callback?.data?.flags, 64, 'the /link answer is ephemeral');
    assert.match(answer.callback?.data?.content ?? '', /valid 5 minutes.*only for you/);
    const button = answer.callback?.data?.components?.[0]?.components[0];
    assert.equal(button?.style, 5, 'a link button');
    const url = button?.url ?? '';
    assert.ok(url.startsWith(`${publicUrl}/link/`), url);
    secretsSeen.push(url.slice(`${publicUrl}/link/`.length));
    return url;
  }

  /** Opens the one-time link: the cookie and the provider's authorize URL. */
  async function openLink(url: string): Promise<{ cookie: string; authorize: URL }> {
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    const setCookie = setCookieOf(response);
    const authorize = new URL(response.headers.get('location')!);
    secretsSeen.push(authorize.searchParams.get('state')!, setCookie.split(';')[0]!.split('=')[1]!);
    return { cookie: setCookie.split(';')[0]!, authorize };
  }

  /** The provider signs the member in and sends the browser back: our callback URL. */
  async function atProvider(authorize: URL): Promise<URL> {
    const response = await fetch(authorize, { redirect: 'manual' });
    assert.equal(response.status, 302);
    const back = new URL(response.headers.get('location')!);
    secretsSeen.push(back.searchParams.get('code')!);
    return back;
  }

  async function callback(url: URL | string, cookie?: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    return { status: response.status, html: await response.text(), response };
  }

  async function link(platform: OAuthPlatform, userId: string): Promise<{ cookie: string; back: URL }> {
    const { cookie, authorize } = await openLink(await linkButton(platform, userId));
    const back = await atProvider(authorize);
    const done = await callback(back, cookie);
    assert.equal(done.status, 200, done.html);
    expected.used++;
    return { cookie, back };
  }

  const rawConnection = (userId: string, platform: OAuthPlatform) =>
    hub.database.db.selectFrom('linked_connections').selectAll().where('discord_user_id', '=', userId).where('platform', '=', platform).executeTakeFirst();

  before(async () => {
    for (const mock of Object.values(mocks)) await mock.start();
    mocks.twitch.shape = (response) => {
      if (typeof response.body !== 'object') return;
      response.body['scope'] = ['user:read:email', 'channel:read:subscriptions'];
      response.body['expires_in'] = 14_400;
    };
    // Kick: a verifier is required, and a refresh token works once and is replaced.
    mocks.kick.shape = (response, body) => {
      if (typeof response.body !== 'object') return;
      if (body['grant_type'] === 'authorization_code' && body['code_verifier'] === undefined) {
        response.statusCode = 400;
        response.body = { error: 'invalid_request', error_description: 'code_verifier required' };
        return;
      }
      if (body['grant_type'] === 'refresh_token' && !kickLive.delete(body['refresh_token'] ?? '')) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
        return;
      }
      const issued = response.body['refresh_token'];
      if (typeof issued === 'string') kickLive.add(issued);
    };
    mocks.discord.shape = (response, body) => {
      if (body['grant_type'] === 'refresh_token' && discordGrantDead) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'Invalid "refresh_token" in request.' };
      }
    };

    sim = await startTestSimulator();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    env = {
      DISCORD_TOKEN: SIM_BOT_TOKEN,
      DISCORD_API_URL: sim.apiBase,
      HOST: '127.0.0.1',
      // Each test sends many commands as one member.
      USER_RATE_LIMIT_BURST: '1000',
      USER_RATE_LIMIT_PER_MINUTE: '100000',
      PUBLIC_URL: publicUrl,
      TWITCH_CLIENT_ID: 'twitch-client',
      TWITCH_CLIENT_SECRET: 'twitch-secret',
      TWITCH_OAUTH_URL: mocks.twitch.url,
      GOOGLE_CLIENT_ID: 'google-client',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GOOGLE_OAUTH_URL: mocks.youtube.url,
      KICK_CLIENT_ID: 'kick-client',
      KICK_CLIENT_SECRET: 'kick-secret',
      KICK_OAUTH_URL: mocks.kick.url,
      DISCORD_CLIENT_ID: '1098765432109876543',
      DISCORD_CLIENT_SECRET: 'discord-secret',
      DISCORD_OAUTH_URL: mocks.discord.url,
    };
    database = await open();
    hub = await testHub(database, { ...env, PORT: String(port) }, { discord: true, logger: captured.logger });
    const tokens = new ApiTokenRepository(hub.database.db);
    for (const role of ['admin', 'viewer'] as const) {
      const material = generateApiToken();
      await tokens.create({ id: material.id, name: role, role, tokenHash: material.hash, now: Date.now() });
      if (role === 'admin') admin = material.token;
      else viewer = material.token;
    }
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).some((c) => c.name === 'link'), '/link registered');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
    for (const mock of Object.values(mocks)) await mock.stop();
  });

  it('links each provider: the link, the provider with the right parameters, the callback, a sealed connection, /connections', async () => {
    const ada = member('ada');
    for (const platform of PLATFORMS) {
      const mock = mocks[platform];
      const { cookie, authorize } = await openLink(await linkButton(platform, ada));
      assert.match(cookie, /^switchboard-link=[A-Za-z0-9_-]{43}$/);
      assert.equal(`${authorize.origin}${authorize.pathname}`, `${mock.url}/authorize`);
      const params = authorize.searchParams;
      assert.equal(params.get('redirect_uri'), `${publicUrl}/link/callback/${platform}`);
      assert.equal(params.get('response_type'), 'code');
      assert.equal(params.get('client_id'), env[`${platform === 'youtube' ? 'GOOGLE' : platform.toUpperCase()}_CLIENT_ID`]);
      assert.match(params.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
      if (platform === 'twitch') {
        assert.equal(params.has('code_challenge'), false, 'Twitch takes no PKCE');
      } else {
        assert.equal(params.get('code_challenge_method'), 'S256');
        assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      }
      if (platform === 'youtube') {
        assert.equal(params.get('access_type'), 'offline');
        assert.equal(params.get('prompt'), 'consent');
      }

      const back = await atProvider(authorize);
      assert.equal(`${back.origin}${back.pathname}`, `${publicUrl}/link/callback/${platform}`);
      const done = await callback(back, cookie);
      expected.used++;
      assert.equal(done.status, 200, done.html);
      assert.ok(done.html.includes(`Linked as ${IDENTITIES[platform].name.replace('<', '&lt;').replace('>', '&gt;')}`), done.html);
      assert.equal(done.response.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'");
      assert.equal(done.response.headers.get('cache-control'), 'no-store');
      assert.equal(done.response.headers.get('referrer-policy'), 'no-referrer');
      assert.match(done.response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(setCookieOf(done.response), /^switchboard-link=; Max-Age=0;/, 'the callback clears the cookie');
      if (platform !== 'twitch') assert.ok(mock.tokenRequests.at(-1)?.['code_verifier'], 'the verifier was sent');
      if (platform === 'twitch') assert.equal(mock.userInfoRequests.at(-1)?.['client-id'], 'twitch-client', 'Helix gets the Client-Id');

      const issued = mock.issued.at(-1)!;
      const raw = await rawConnection(ada, platform);
      assert.ok(raw, `${platform} connection stored`);
      assert.notEqual(raw.access_token, issued.accessToken);
      assert.ok(!raw.access_token.includes(issued.accessToken) && !(raw.refresh_token ?? '').includes(issued.refreshToken!), 'the tokens are sealed');
      const stored = await hub.linking.connections.get(ada, platform);
      assert.equal(stored?.accessToken, issued.accessToken);
      assert.equal(stored?.refreshToken, issued.refreshToken);
      assert.equal(stored?.platformUserId, IDENTITIES[platform].id);
      assert.equal(stored?.platformUsername, IDENTITIES[platform].name);
      if (platform === 'twitch') {
        assert.deepEqual(stored?.scopes, ['user:read:email', 'channel:read:subscriptions'], "Twitch's array scope is stored as scopes");
        assert.equal(raw.scopes, '["user:read:email","channel:read:subscriptions"]');
      }
    }
    const cookieMaxAge = hub.config.linking.sessionTtlMs / 1000;
    const again = await fetch(await linkButton('kick', member('grace')), { redirect: 'manual' });
    assert.equal(setCookieOf(again), `${setCookieOf(again).split(';')[0]}; Max-Age=${cookieMaxAge}; Path=/; HttpOnly; SameSite=Lax`, 'no Secure and no __Host- on http');
    expected.active++; // begun and never finished
    assert.deepEqual(linkCookieFor('https://hub.example.org'), { name: '__Host-switchboard-link', attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax' });

    const listed = await command('connections', ada);
    assert.equal(listed.callback?.data?.flags, 64);
    const content = listed.callback?.data?.content ?? '';
    for (const [label, name] of [['Twitch', 'AdaCodes'], ['YouTube', 'Ada on YouTube'], ['Kick', 'ada\\_kicks'], ['Discord', 'Ada <Lovelace\\>']]) {
      assert.ok(content.includes(`**${label}**: ${name}, linked <t:`), content);
    }
    assert.doesNotMatch(content, /relinking/);
  });

  it("refresh: Kick's rotated refresh token is saved; Discord's dead grant marks the link and DMs the member once", async () => {
    const ada = member('ada');
    const before = await hub.linking.connections.get(ada, 'kick');
    await hub.database.db.updateTable('linked_connections').set({ expires_at: Date.now() }).where('platform', 'in', ['kick', 'discord']).execute();
    discordGrantDead = true;
    // The member's DM channel with the bot (the member's message there gets the assistant's answer, not counted below).
    const { channelId: dm } = await sim.control<{ channelId: string }>('POST', `/users/${ada}/dm`, { content: 'hello' });
    assert.match((await refreshJob(hub).run({ now: Date.now(), signal: new AbortController().signal }))?.summary ?? '', /1 refreshed, 1 need relinking/);

    const after = await hub.linking.connections.get(ada, 'kick');
    const rotated = mocks.kick.issued.at(-1)!;
    assert.equal(mocks.kick.refreshRequests().at(-1)?.['refresh_token'], before?.refreshToken, 'the stored refresh token was presented');
    assert.notEqual(after?.refreshToken, before?.refreshToken);
    assert.equal(after?.refreshToken, rotated.refreshToken, 'the rotated refresh token is the one kept');
    assert.equal(after?.accessToken, rotated.accessToken);
    assert.ok((after?.expiresAt ?? 0) > Date.now());

    const dead = await hub.linking.connections.get(ada, 'discord');
    assert.ok(dead?.needsRelinkAt, 'the dead grant is marked');
    const botId = (await sim.control<{ botUserId: string }>('GET', '/')).botUserId;
    const notices = async () => (await sim.control<{ author: { id: string }; content: string }[]>('GET', `/channels/${dm}/messages`)).filter((m) => m.author.id === botId && m.content.includes('link stopped working'));
    await eventually(async () => (await notices()).length === 1, 'the relink DM arrived');
    assert.equal(
      (await notices())[0]!.content,
      'Your Discord link stopped working (the account revoked access or the token expired). Run /link discord to link it again.',
    );
    await hub.database.db.updateTable('linked_connections').set({ expires_at: Date.now() }).where('platform', '=', 'discord').execute();
    await refreshJob(hub).run({ now: Date.now(), signal: new AbortController().signal });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await notices()).length, 1, 'told once');
    const listed = await command('connections', ada);
    assert.match(listed.callback?.data?.content ?? '', /\*\*Discord\*\*.*Needs relinking: run \/link discord/);
  });

  it('two instances refreshing at once: the provider sees one refresh per connection', async () => {
    const second = await testHub(openAgain(database), env, { discord: false });
    try {
      const platforms: OAuthPlatform[] = ['twitch', 'youtube', 'kick'];
      const counts = () => platforms.map((p) => mocks[p].refreshRequests().length);
      const beforeCounts = counts();
      await hub.database.db.updateTable('linked_connections').set({ expires_at: Date.now() }).where('platform', 'in', platforms).execute();
      await Promise.all([refreshJob(hub).run({ now: Date.now(), signal: new AbortController().signal }), refreshJob(second).run({ now: Date.now(), signal: new AbortController().signal })]);
      assert.deepEqual(
        counts().map((n, i) => n - beforeCounts[i]!),
        [1, 1, 1],
      );
      for (const platform of platforms) assert.ok(((await hub.linking.connections.get(member('ada'), platform))?.expiresAt ?? 0) > Date.now() + 60_000, `${platform} refreshed`);
    } finally {
      await second.stop();
    }
  });

  it("Twitch validation: a valid token changes nothing; a 401 makes the token due, and the next refresh renews it", async () => {
    const ada = member('ada');
    const twitch = mocks.twitch;
    const before = await hub.linking.connections.get(ada, 'twitch');
    await runJob(hub, 'linking.twitch-token-validation');
    assert.equal(twitch.validateRequests.at(-1)?.authorization, `OAuth ${before?.accessToken}`);
    assert.equal((await hub.linking.connections.get(ada, 'twitch'))?.expiresAt, before?.expiresAt, 'valid: unchanged');

    twitch.validateStatus = 401;
    const refreshesBefore = twitch.refreshRequests().length;
    const at = Date.now();
    await runJob(hub, 'linking.twitch-token-validation');
    const marked = await hub.linking.connections.get(ada, 'twitch');
    assert.ok(marked?.expiresAt !== null && marked!.expiresAt! >= at && marked!.expiresAt! <= Date.now(), 'the expiry moved to now');
    twitch.validateStatus = 200;
    await refreshJob(hub).run({ now: Date.now(), signal: new AbortController().signal });
    assert.equal(twitch.refreshRequests().length, refreshesBefore + 1);
    assert.ok(((await hub.linking.connections.get(ada, 'twitch'))?.expiresAt ?? 0) > Date.now() + 60_000);
  });

  it('/unlink revokes at the provider (Kick in query style) and deletes; a failed revocation still deletes and says where to revoke', async () => {
    const ada = member('ada');
    for (const platform of PLATFORMS) {
      const mock = mocks[platform];
      const stored = (await hub.linking.connections.get(ada, platform))!;
      mock.revokeRequests = [];
      if (platform === 'youtube') mock.revokeStatus = 503;
      const answer = await command('unlink', ada, { platform });
      mock.revokeStatus = 200;
      const content = answer.callback?.data?.content ?? '';
      assert.equal(answer.callback?.data?.flags, 64);
      if (platform === 'youtube') {
        assert.match(content, /could not confirm.*myaccount\.google\.com/);
      } else {
        assert.match(content, /revoked/);
      }
      if (platform === 'kick') {
        assert.deepEqual(
          mock.revokeRequests.map((r) => [r.url.searchParams.get('token'), r.url.searchParams.get('token_hint_type')]),
          [
            [stored.refreshToken, 'refresh_token'],
            [stored.accessToken, 'access_token'],
          ],
        );
      } else {
        assert.ok(mock.revokeRequests.length >= 1);
        assert.equal(mock.revokeRequests[0]!.body.get('token'), stored.refreshToken, 'the refresh token ends the grant');
        assert.equal(mock.revokeRequests[0]!.body.get('token_type_hint'), 'refresh_token');
      }
      assert.equal(await hub.linking.connections.get(ada, platform), undefined, `${platform} deleted`);
    }
    const none = await command('unlink', ada, { platform: 'kick' });
    assert.match(none.callback?.data?.content ?? '', /no Kick account linked/);
  });

  it('200 concurrent callbacks on one state over HTTP: exactly one links, 199 are refused', async () => {
    const { cookie, authorize } = await openLink(await linkButton('twitch', member('alan')));
    const back = await atProvider(authorize);
    const results = await Promise.all(Array.from({ length: 200 }, () => callback(back, cookie)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1);
    assert.equal(statuses.filter((s) => s === 400).length, 199);
    assert.ok(results.filter((r) => r.status === 400).every((r) => r.html.includes('Already finished')));
    expected.used += 1;
    expected.replaysRefused += 199;
    assert.equal(mocks.twitch.tokenRequests.filter((r) => r['code'] === back.searchParams.get('code')).length, 1, 'the code was exchanged once');
  });

  it('refuses and logs: replay, expired, missing cookie, another browser, tampered state, wrong provider, a used link', async () => {
    const warned = (msg: string) => {
      const line = logsWith(msg).at(-1);
      assert.ok(line, `logged "${msg}"`);
      assert.equal(line.level, 'warn');
      assert.equal(line['ip'], '127.0.0.1');
      return line;
    };

    // Replay after success.
    const done = await link('twitch', member('grace'));
    const replay = await callback(done.back, done.cookie);
    assert.equal(replay.status, 400);
    expected.replaysRefused++;
    assert.equal(warned('OAuth session already used')['code'], 'replayed');

    // Expired.
    let flow = await openLink(await linkButton('kick', member('katherine')));
    let back = await atProvider(flow.authorize);
    await hub.database.db.updateTable('oauth_sessions').set({ expires_at: Date.now() - 1 }).where('state_hash', '=', hashToken(flow.authorize.searchParams.get('state')!)).execute();
    const expired = await callback(back, flow.cookie);
    assert.equal(expired.status, 400);
    assert.match(expired.html, /Took too long/);
    expected.expired++;
    expected.expiredRefused++;
    assert.equal(warned('OAuth session expired')['platform'], 'kick');

    // Missing cookie.
    flow = await openLink(await linkButton('kick', member('katherine')));
    back = await atProvider(flow.authorize);
    const noCookie = await callback(back);
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.html, /Open the link in the same browser you started in/);
    expected.burned++;
    assert.equal(warned('OAuth session belongs to another browser')['code'], 'wrong_browser');
    assert.equal((await callback(back, flow.cookie)).status, 400, 'the burned session cannot be retried with the right cookie');
    expected.replaysRefused++;

    // Another browser's cookie: A's callback with B's cookie burns A; B still works.
    const a = await openLink(await linkButton('youtube', member('linus')));
    const b = await openLink(await linkButton('youtube', member('linus')));
    const aBack = await atProvider(a.authorize);
    const crossed = await callback(aBack, b.cookie);
    assert.equal(crossed.status, 400);
    expected.burned++;
    assert.equal(warned('OAuth session belongs to another browser')['platform'], 'youtube');
    assert.equal((await callback(await atProvider(b.authorize), b.cookie)).status, 200);
    expected.used++;

    // Tampered state: unknown; the genuine state still works afterwards.
    flow = await openLink(await linkButton('discord', member('marie')));
    back = await atProvider(flow.authorize);
    const tampered = new URL(back);
    const state = tampered.searchParams.get('state')!;
    tampered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const unknown = await callback(tampered, flow.cookie);
    assert.equal(unknown.status, 400);
    assert.equal(warned('OAuth session unknown')['code'], 'unknown');
    assert.equal((await callback(back, flow.cookie)).status, 200);
    expected.used++;

    // A Twitch state on Kick's callback: refused and burned.
    flow = await openLink(await linkButton('twitch', member('alan')));
    back = await atProvider(flow.authorize);
    const onKick = new URL(`${publicUrl}/link/callback/kick${back.search}`);
    const mismatch = await callback(onKick, flow.cookie);
    assert.equal(mismatch.status, 400);
    expected.burned++;
    assert.equal(warned('OAuth session is for another provider')['platform'], 'kick');

    // The provider reports that the member said no.
    const cancelled = await callback(`${publicUrl}/link/callback/twitch?error=access_denied&state=x`);
    assert.equal(cancelled.status, 400);
    assert.match(cancelled.html, /Linking cancelled/);
    assert.equal((await callback(`${publicUrl}/link/callback/myspace?code=x&state=y`)).status, 404);

    // A one-time link opened twice.
    const once = await linkButton('twitch', member('alan'));
    assert.equal((await fetch(once, { redirect: 'manual' })).status, 302);
    expected.active++;
    const twice = await fetch(once, { redirect: 'manual' });
    assert.equal(twice.status, 410);
    assert.match(await twice.text(), /already used/);
    assert.equal((await fetch(`${publicUrl}/link/nope`, { redirect: 'manual' })).status, 404);

    // Nothing secret reached the log.
    const log = JSON.stringify(captured.lines);
    for (const secret of secretsSeen) assert.ok(!log.includes(secret), 'no state, code, binding or link token in the log');
  });

  it('/api/v1/admin/oauth/stats: 401 without a token, 403 for a viewer, the counts for an admin', async () => {
    const url = '/api/v1/admin/oauth/stats';
    assert.equal((await hub.http.inject({ method: 'GET', url })).statusCode, 401);
    assert.equal((await hub.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${viewer}` } })).statusCode, 403);
    const response = await hub.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.statusCode, 200);
    const finished = expected.used + expected.burned + expected.expired;
    assert.deepEqual(response.json().data, {
      ...expected,
      successRate: expected.used / finished,
      // ada unlinked all four; alan and grace linked Twitch, linus YouTube, marie Discord.
      linkedByPlatform: { twitch: 2, youtube: 1, kick: 0, discord: 1 },
    });
  });

});
