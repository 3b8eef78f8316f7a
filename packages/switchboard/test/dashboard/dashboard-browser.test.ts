/**
 * The dashboard in a real browser against the real `switchboard sandbox`: signing in through the simulator's
 * Discord sign-in page, the status indicator through a gateway outage, a ticket's live conversation, session
 * answers from simulated members, an app's ping delivery, and the configuration form's inline errors.
 * Each test leaves a full-page screenshot in artifacts/screenshots.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { browserSkip, ensureDashboardBuilt, launchBrowser, screenshot, startSandbox, waitUntil, type Sandbox } from '../support/dashboard-browser.ts';

type SimMember = { user: { id: string; username: string; global_name?: string | null } };
type SimGuild = { owner_id: string; roles: { id: string; name: string }[]; channels: { id: string; name: string }[]; members: SimMember[] };
type SimMessage = { id: string; content: string; embeds?: { title?: string }[]; components?: { components: { custom_id?: string; label?: string }[] }[] };
type Callback = { callback: { type: number; data?: { custom_id?: string; content?: string } } | null; deadlineMissed: boolean };
type Ticket = { number: number; title: string; threadId: string | null };

describe('the dashboard in a browser', { skip: browserSkip, timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let guild: SimGuild;
  /** The guild owner's signed-in browser, made by the sign-in test and used by the guild pages after it. */
  let owner: { context: BrowserContext; page: Page } | undefined;

  const memberId = (username: string) => {
    const found = guild.members.find((m) => m.user.username === username);
    assert.ok(found, `the demo guild has a member ${username}`);
    return found.user.id;
  };
  const channelId = (name: string) => {
    const found = guild.channels.find((c) => c.name === name);
    assert.ok(found, `the demo guild has a channel #${name}`);
    return found.id;
  };
  const ownerName = () => {
    const found = guild.members.find((m) => m.user.id === guild.owner_id);
    assert.ok(found, 'the owner is a member');
    return found.user.global_name ?? found.user.username;
  };

  /** The admin's system prefers light colours: the dashboard is dark by default all the same, until the toggle is used. */
  async function newContext(colorScheme: 'dark' | 'light'): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
    // Every wait here is for something that takes a second or two; a broken page should fail fast.
    context.setDefaultTimeout(10_000);
    return context;
  }

  async function signInAsOwner(): Promise<Page> {
    const context = await newContext('dark');
    const page = await context.newPage();
    await page.goto(`${sandbox.hubUrl}/`);
    await page.getByRole('button', { name: 'Sign in with Discord' }).click();
    // The simulator's stand-in for Discord's consent screen lists the members to sign in as.
    await page.getByRole('button', { name: `Sign in as ${ownerName()}`, exact: true }).click();
    await page.waitForURL(`${sandbox.hubUrl}/`);
    await page.locator('.user-name', { hasText: ownerName() }).waitFor({ timeout: 10_000 });
    owner = { context, page };
    return page;
  }
  const ownerPage = async () => owner?.page ?? (await signInAsOwner());

  /** Client-side navigation through the main menu, so the app is not reloaded. */
  async function open(page: Page, label: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: label }).first().waitFor();
  }

  before(async () => {
    ensureDashboardBuilt();
    sandbox = await startSandbox();
    guild = await sandbox.sim<SimGuild>('GET', `/guilds/${sandbox.guildId}`);
    browser = await launchBrowser();
  });
  after(async () => {
    await owner?.context.close();
    await browser?.close();
    await sandbox?.stop();
  });

  it('signs in with Discord through the simulator as the guild owner and offers the demo guild', async () => {
    const page = await signInAsOwner();
    const picker = page.getByLabel('Server', { exact: true });
    await picker.locator('option', { hasText: 'Switchboard Demo' }).waitFor({ state: 'attached' });
    assert.equal(await picker.inputValue(), sandbox.guildId);
    assert.match((await page.locator('.user-name').textContent()) ?? '', new RegExp(ownerName()));
    await screenshot(page, 'sign-in');
  });

  it('shows the bot green, yellow or red while the gateway is down, and green again after it reconnects', async () => {
    const page = await ownerPage();
    await page.goto(`${sandbox.hubUrl}/`);
    const indicator = page.getByTestId('status-indicator');
    const refreshUntil = (states: string[], description: string, timeoutMs: number) =>
      waitUntil(
        async () => {
          await page.getByRole('button', { name: 'Refresh', exact: true }).click();
          // A click starts one request; give it a moment before reading the indicator again.
          await page.waitForTimeout(150);
          return indicator.getAttribute('data-state');
        },
        (state) => state !== null && states.includes(state),
        description,
        timeoutMs,
      );
    await refreshUntil(['green'], 'the indicator is green', 10_000);

    // A resumable close, with new connections held back for a while: the hub has to reconnect.
    const fault = await sandbox.sim<{ affected: number }>('POST', '/faults', { kind: 'close', code: 4000, holdMs: 4_000 });
    assert.ok(fault.affected >= 1, 'the gateway connection was closed');
    const down = await refreshUntil(['yellow', 'red'], 'the indicator shows the outage', 4_000);
    assert.ok(down === 'yellow' || down === 'red');
    assert.match((await indicator.textContent()) ?? '', /Reconnecting|Connecting|Degraded|Offline/);
    await screenshot(page, 'status-outage');

    await refreshUntil(['green'], 'the indicator is green again', 20_000);
    assert.match((await indicator.textContent()) ?? '', /Connected/);
    await screenshot(page, 'status');
  });

  it('follows a ticket live: the member\'s message, a reply into the thread, closing and the transcript', async () => {
    const category = await sandbox.api('POST', `/api/v1/guilds/${sandbox.guildId}/ticket-categories`, {
      name: 'Help desk',
      staffRoleIds: [guild.roles.find((r) => r.name === 'Staff')!.id],
      channelName: 'help-desk',
    });
    assert.equal(category.status, 201, JSON.stringify(category.body));

    const marie = memberId('marie');
    const command = await sandbox.sim<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'ticket open',
      options: { category: 'Help desk' },
      channelId: channelId('support'),
      userId: marie,
    });
    assert.equal(command.callback?.type, 9, 'the command answers with a form');
    const form = await sandbox.sim<Callback>('POST', '/interactions', {
      kind: 'modal',
      customId: command.callback!.data!.custom_id!,
      fields: { title: 'My badge does not scan', description: 'The door reader ignores my badge since Monday.' },
      channelId: channelId('support'),
      userId: marie,
      waitMs: 3_500,
    });
    assert.equal(form.deadlineMissed, false);
    const ticket = await waitUntil(
      async () => (await sandbox.api<{ data: { tickets: Ticket[] } }>('GET', `/api/v1/guilds/${sandbox.guildId}/tickets`)).body.data.tickets.find((t) => t.title === 'My badge does not scan'),
      (found) => found?.threadId != null,
      'the ticket has its thread',
    );
    const thread = ticket!.threadId!;

    const page = await ownerPage();
    await open(page, 'Tickets');
    await page.getByRole('link', { name: 'My badge does not scan' }).click();
    const conversation = page.getByTestId('ticket-messages');
    await conversation.waitFor();

    await sandbox.sim('POST', `/channels/${thread}/messages`, { authorId: marie, content: 'I tried the side entrance too, same thing.' });
    await conversation.getByText('I tried the side entrance too, same thing.').waitFor({ timeout: 2_000 });

    await page.getByLabel('Reply', { exact: true }).fill('We are resetting your badge now.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await waitUntil(
      async () => (await sandbox.sim<SimMessage[]>('GET', `/channels/${thread}/messages`)).map((m) => m.content),
      (contents) => contents.some((c) => c.includes('We are resetting your badge now.') && c.includes(ownerName())),
      'the reply is posted in the thread under the signed-in name',
    );
    await conversation.getByText('We are resetting your badge now.').waitFor({ timeout: 3_000 });

    await page.getByRole('button', { name: 'Close ticket' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, close the ticket' }).click();
    await page.getByRole('button', { name: 'Show transcript' }).click();
    const transcript = page.locator('pre.transcript');
    await transcript.waitFor({ timeout: 5_000 });
    const text = (await transcript.textContent()) ?? '';
    assert.match(text, /I tried the side entrance too, same thing\./);
    assert.match(text, /We are resetting your badge now\./);
    await waitUntil(
      async () => (await sandbox.sim<SimGuild & { threads: { id: string; locked: boolean }[] }>('GET', `/guilds/${sandbox.guildId}`)).threads.find((t) => t.id === thread)?.locked,
      (locked) => locked === true,
      'the thread is locked in Discord',
    );
    await screenshot(page, 'ticket');
  });

  it('plans a session and shows members\' answers from Discord without reloading', async () => {
    const page = await ownerPage();
    await open(page, 'Sessions');
    await page.getByRole('button', { name: 'New session' }).click();
    const form = page.getByRole('form', { name: 'New session' });
    const start = new Date(Date.now() + 3 * 86_400_000);
    const local = `${start.toISOString().slice(0, 10)}T19:30`;
    await form.getByLabel('Title').fill('Board game night');
    await form.getByLabel('Channel id').fill(channelId('events'));
    await form.getByLabel('Starts').fill(local);
    await form.getByLabel('Time zone').fill('UTC');
    await form.getByLabel('Duration (minutes)').fill('120');
    await form.getByRole('button', { name: 'Plan session' }).click();
    await page.getByRole('button', { name: 'Answers for Board game night' }).click();
    const counts = page.getByTestId('session-counts');
    await counts.getByText('Yes 0').waitFor({ timeout: 5_000 });
    // A full reload would drop this marker.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    const posted = await waitUntil(
      async () => (await sandbox.sim<SimMessage[]>('GET', `/channels/${channelId('events')}/messages`)).find((m) => m.embeds?.some((e) => e.title?.includes('Board game night'))),
      (message) => message !== undefined && (message.components?.length ?? 0) > 0,
      'the session is announced with its buttons',
    );
    const button = (answer: string) => posted!.components!.flatMap((row) => row.components).find((c) => c.custom_id?.endsWith(`:${answer}`))!.custom_id!;
    const answered = await Promise.all([
      sandbox.sim<Callback>('POST', '/interactions', { kind: 'component', messageId: posted!.id, customId: button('yes'), userId: memberId('linus') }),
      sandbox.sim<Callback>('POST', '/interactions', { kind: 'component', messageId: posted!.id, customId: button('yes'), userId: memberId('tim') }),
      sandbox.sim<Callback>('POST', '/interactions', { kind: 'component', messageId: posted!.id, customId: button('maybe'), userId: memberId('hedy') }),
    ]);
    assert.ok(answered.every((a) => !a.deadlineMissed), 'every click was answered');

    // The answers panel polls every 10 s.
    await waitUntil(async () => (await counts.textContent()) ?? '', (text) => /Yes 2/.test(text) && /Maybe 1/.test(text), 'the counts show the answers', 15_000);
    assert.equal(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage), true, 'the page was not reloaded');
    await screenshot(page, 'sessions');
  });

  it('registers an app as the admin, pings it and shows the delivery answered 200', async () => {
    const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
    const context = await newContext('light');
    try {
      const page = await context.newPage();
      await page.goto(`${sandbox.hubUrl}/`);
      const tokenForm = page.getByRole('form', { name: 'Sign in with an API token' });
      await tokenForm.getByLabel('API token').fill(sandbox.adminToken);
      await tokenForm.getByRole('button', { name: 'Sign in with token' }).click();
      await page.locator('.user-name', { hasText: 'API token (admin)' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'dark', 'dark by default, whatever the system prefers');

      await open(page, 'Apps');
      await page.getByRole('button', { name: 'Register app' }).click();
      const form = page.getByRole('form', { name: 'Register an app' });
      await form.getByLabel('App id').fill('door-reader');
      await form.getByLabel(/^Name/).fill('Door reader');
      await form.getByLabel('Callback URL').fill(callbackUrl);
      await form.getByLabel('Server ids').fill(sandbox.guildId);
      await form.getByRole('button', { name: 'Register', exact: true }).click();

      const secretRow = page.locator('.secret-row', { hasText: 'Signing secret' });
      const secret = ((await secretRow.locator('.secret-value').textContent({ timeout: 10_000 })) ?? '').trim();
      assert.match(secret, /^whsec_/);
      const appToken = ((await page.locator('.secret-row', { hasText: 'App token' }).locator('.secret-value').textContent()) ?? '').trim();

      // The hub delivers only to an app that is alive; the page says so until the app, with its own token, says it is.
      await page.getByRole('button', { name: 'Deliveries of Door reader' }).click();
      const offline = page.getByRole('status').filter({ hasText: 'The app is offline' });
      await offline.waitFor();
      const heartbeat = await fetch(`${sandbox.hubUrl}/api/v1/apps/door-reader/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${appToken}` } });
      assert.equal(heartbeat.status, 200, await heartbeat.text());
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await page.getByRole('table', { name: 'Registered apps' }).locator('tbody tr', { hasText: 'door-reader' }).filter({ hasText: 'online' }).waitFor();
      await offline.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Ping', exact: true }).click();
      const deliveries = page.getByTestId('deliveries');
      // The deliveries table polls every 5 s.
      const row = deliveries.locator('tbody tr', { hasText: 'ping' }).filter({ hasText: '200' });
      await row.first().waitFor({ timeout: 12_000 });
      assert.match((await row.first().textContent()) ?? '', /delivered/);

      assert.ok(received.length >= 1, 'the receiver got the ping');
      const hook = received[0]!;
      const payload = new Webhook(secret).verify(hook.body, {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      });
      assert.match(JSON.stringify(payload), /ping/, 'a signed ping event');
      await screenshot(page, 'apps');
    } finally {
      await context.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('shows refusals next to meetings.defaultDurationMinutes and timezone, and stores nothing', async () => {
    const configUrl = `/api/v1/guilds/${sandbox.guildId}/config`;
    const before = await sandbox.api<{ data: { config: { meetings: { defaultDurationMinutes: number } } } }>('GET', configUrl);
    assert.equal(before.status, 200);

    const page = await ownerPage();
    await open(page, 'Configuration');
    const patches: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'PATCH' && response.url().endsWith(configUrl)) patches.push(response.status());
    });
    const alertOf = (label: string) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).getByRole('alert');

    // The schema's minimum is checked in the browser: the hub is not even asked.
    const duration = page.getByLabel('meetings.defaultDurationMinutes', { exact: true });
    await duration.fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await alertOf('meetings.defaultDurationMinutes').waitFor({ timeout: 5_000 });
    assert.match((await alertOf('meetings.defaultDurationMinutes').textContent()) ?? '', /at least 5/);
    assert.equal(await duration.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(patches, [], 'nothing was sent');

    // A rule only the hub knows (a real time zone): its 422 problem lands next to the field it names.
    await duration.fill(String(before.body.data.config.meetings.defaultDurationMinutes));
    await page.getByLabel('timezone', { exact: true }).fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await alertOf('timezone').waitFor({ timeout: 5_000 });
    assert.match((await alertOf('timezone').textContent()) ?? '', /IANA time zone/);
    assert.deepEqual(patches, [422]);
    await duration.fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await alertOf('meetings.defaultDurationMinutes').waitFor({ timeout: 5_000 });
    await page.evaluate(() => window.scrollTo(0, 0));

    const after = await sandbox.api<{ data: { config: { meetings: { defaultDurationMinutes: number } } } }>('GET', configUrl);
    assert.deepEqual(after.body.data.config, before.body.data.config, 'nothing was stored');
    assert.notEqual(after.body.data.config.meetings.defaultDurationMinutes, 2);
    await screenshot(page, 'configuration');
  });
});
