/**
 * The assistant relay end to end: a simulated Discord, the hub on SQLite, and assistant apps served by a
 * real `node:http` server with the SDK's webhook handler. Each test uses its own channel and members, so
 * that the per-user budgets and the channel histories of one test never meet another's.
 */
import { after, before } from 'node:test';
import { describeEachDatabase } from '../support/databases.ts';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookHandler, type AssistantClearData, type AssistantMessageData, type AssistantReply } from '@switchboard/sdk';
import { generateApiToken } from '../../src/auth/api-token.ts';
import { CONVERSATION_CLEARED_MESSAGE, NO_ASSISTANT_MESSAGE } from '../../src/broker/assistant-relay.ts';
import { conversationDay } from '../../src/broker/conversation-id.ts';
import { splitMessage } from '../../src/discord/split-message.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { testHub } from '../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

type SimMessage = { id: string; content: string; author: { id: string }; message_reference?: { message_id?: string } };
type Received = { id: string; type: string; guildId: string | null; data: AssistantMessageData | AssistantClearData };
type Answerer = (data: AssistantMessageData) => AssistantReply | undefined;

/** One assistant app: what it received, and how it answers (changed per test). */
type AssistantApp = { id: string; token: string; received: Received[]; answer: Answerer };

const BURST = 3;

describeEachDatabase('assistant relay', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;
  let server: http.Server;
  const listeners = new Map<string, http.RequestListener>();
  let guildApp: AssistantApp;
  let dmApp: AssistantApp;

  const call = async (method: 'POST' | 'PUT', url: string, token: string, payload: object) => {
    const response = await hub.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    assert.ok(response.statusCode < 300, `${method} ${url} → ${response.statusCode} ${response.body}`);
    return response.json().data;
  };

  /** Registers an app served at /<id> on the test server, beats its heart, and makes it the assistant of `scope`. */
  const assistantApp = async (id: string, scope: string): Promise<AssistantApp> => {
    const port = (server.address() as AddressInfo).port;
    const registered = await call('POST', '/api/v1/apps', admin, {
      id,
      name: id,
      callbackUrl: `http://127.0.0.1:${port}/${id}`,
      events: ['assistant.message', 'assistant.clear'],
      guilds: [sim.demo.guildId],
    });
    const app: AssistantApp = { id, token: registered.token, received: [], answer: () => undefined };
    const record = (event: { id: string; type: string; guildId: string | null; data: AssistantMessageData | AssistantClearData }) =>
      app.received.push({ id: event.id, type: event.type, guildId: event.guildId, data: event.data });
    listeners.set(
      `/${id}`,
      createWebhookHandler({
        secret: registered.signingSecret,
        handlers: {
          'assistant.message': (event) => {
            record(event);
            return app.answer(event.data);
          },
          'assistant.clear': (event) => {
            record(event);
          },
        },
      }),
    );
    await call('POST', `/api/v1/apps/${id}/heartbeat`, app.token, {});
    await call('PUT', `/api/v1/guilds/${scope}/assistant`, admin, { appId: id });
    return app;
  };

  const say = (channelId: string, authorId: string, content: string) => sim.control<SimMessage>('POST', `/channels/${channelId}/messages`, { authorId, content });
  const botMessages = async (channelId: string, afterId: string) =>
    (await sim.control<SimMessage[]>('GET', `/channels/${channelId}/messages?after=${afterId}`)).filter((m) => m.author.id === sim.botUserId);
  const repliesTo = async (channelId: string, message: SimMessage) =>
    (await botMessages(channelId, message.id)).filter((m) => m.message_reference?.message_id === message.id);
  const messagesFrom = (app: AssistantApp, userId: string) =>
    app.received.filter((r) => r.type === 'assistant.message' && r.data.userId === userId).map((r) => r.data as AssistantMessageData);
  const mention = () => `<@${sim.botUserId}>`;

  before(async () => {
    sim = await startTestSimulator();
    server = http.createServer((request, response) => {
      const listener = listeners.get(request.url ?? '');
      if (listener) return listener(request, response);
      response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const database = await open();
    hub = await testHub(
      database,
      {
        DISCORD_TOKEN: SIM_BOT_TOKEN,
        DISCORD_API_URL: sim.apiBase,
        APP_CALLBACKS_ALLOW_LOOPBACK: 'true',
        USER_RATE_LIMIT_BURST: String(BURST),
        USER_RATE_LIMIT_PER_MINUTE: '1',
      },
      { discord: true },
    );
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    await hub.start();
    await eventually(async () => (await hub.http.inject({ method: 'GET', url: '/api/v1/status', headers: { authorization: `Bearer ${admin}` } })).json().data.ready, 'the bot is ready');
    guildApp = await assistantApp('helper', sim.demo.guildId);
    dmApp = await assistantApp('dm-helper', '@dm');
  });

  after(async () => {
    await hub.stop();
    await sim.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('relays a mention and posts a long reply with a code block as several messages under 2000 characters', async () => {
    const channel = sim.demo.channels.general!;
    const user = sim.demo.members.ada!;
    const code = Array.from({ length: 120 }, (_, i) => `  const value${i} = compute(${i}); // step ${i}`).join('\n');
    const reply = `Here is the whole story.\n\n${'Some careful prose. '.repeat(120)}\n\n\`\`\`ts\nfunction demo() {\n${code}\n}\n\`\`\`\n\nThat is all.`;
    assert.ok(reply.length > 4000);
    guildApp.answer = () => ({ reply });

    const asked = await say(channel, user, `${mention()} please explain   everything `);
    const expected = splitMessage(reply);
    await eventually(async () => (await botMessages(channel, asked.id)).length >= expected.length, 'every part of the reply is posted');

    const posted = await botMessages(channel, asked.id);
    assert.deepEqual(posted.map((m) => m.content), expected);
    assert.ok(posted.length >= 3);
    for (const part of posted) {
      assert.ok(part.content.length <= 2000, `a part has ${part.content.length} characters`);
      assert.equal((part.content.match(/```/g) ?? []).length % 2, 0, 'each part closes the code blocks it opens');
    }
    assert.equal(posted[0]!.message_reference?.message_id, asked.id, 'the first part replies to the question');

    const [event] = messagesFrom(guildApp, user);
    assert.deepEqual(event, {
      conversationId: `discord_user_${user}_${channel}_${conversationDay(Date.now())}`,
      userId: user,
      channelId: channel,
      guildId: sim.demo.guildId,
      content: 'please explain   everything',
      messageId: asked.id,
    });
    assert.equal(messagesFrom(dmApp, user).length, 0);
  });

  it('sends a DM to the @dm assistant and answers in the DM', async () => {
    const user = sim.demo.members.grace!;
    dmApp.answer = (data) => ({ reply: `Private answer to: ${data.content}` });
    guildApp.answer = () => ({ reply: 'wrong assistant' });

    const { channelId, message } = await sim.control<{ channelId: string; message: SimMessage }>('POST', `/users/${user}/dm`, { content: 'hello in private' });
    await eventually(async () => (await repliesTo(channelId, message)).length === 1, 'the DM is answered');

    assert.equal((await repliesTo(channelId, message))[0]!.content, 'Private answer to: hello in private');
    const [received] = dmApp.received.filter((r) => r.type === 'assistant.message' && r.data.userId === user);
    assert.equal(received?.guildId, null);
    assert.deepEqual(received?.data, {
      conversationId: `discord_user_${user}_${channelId}_${conversationDay(Date.now())}`,
      userId: user,
      channelId,
      guildId: null,
      content: 'hello in private',
      messageId: message.id,
    });
    assert.equal(messagesFrom(guildApp, user).length, 0, 'the guild assistant hears nothing of DMs');
  });

  it('/clear answers privately, tells the assistant the old conversation id, and the next message starts a new one', async () => {
    const channel = sim.demo.channels['bot-commands']!;
    const user = sim.demo.members.alan!;
    const other = sim.demo.members.katherine!;
    guildApp.answer = () => ({ reply: 'noted' });
    const today = conversationDay(Date.now());
    const first = `discord_user_${user}_${channel}_${today}`;

    await say(channel, user, `${mention()} first question`);
    await eventually(() => messagesFrom(guildApp, user).length === 1, 'the first question arrives');
    assert.equal(messagesFrom(guildApp, user)[0]!.conversationId, first);

    const cleared = await sim.control<{ callback: { type: number; data: { content?: string; flags?: number } } | null }>('POST', '/interactions', {
      kind: 'command',
      name: 'clear',
      channelId: channel,
      userId: user,
    });
    assert.equal(cleared.callback?.type, 4);
    assert.equal(cleared.callback?.data.content, CONVERSATION_CLEARED_MESSAGE);
    assert.equal((cleared.callback?.data.flags ?? 0) & 64, 64, 'the answer is ephemeral');
    await eventually(() => guildApp.received.some((r) => r.type === 'assistant.clear' && r.data.userId === user), 'the assistant hears of the clear');
    assert.deepEqual(guildApp.received.find((r) => r.type === 'assistant.clear' && r.data.userId === user)?.data, { conversationId: first, userId: user, channelId: channel });

    await say(channel, user, `${mention()} second question`);
    await say(channel, other, `${mention()} a question of my own`);
    await eventually(() => messagesFrom(guildApp, user).length === 2 && messagesFrom(guildApp, other).length === 1, 'both questions arrive');
    assert.equal(messagesFrom(guildApp, user)[1]!.conversationId, `${first}_2`);
    assert.equal(messagesFrom(guildApp, other)[0]!.conversationId, `discord_user_${other}_${channel}_${today}`, 'a clear is one user’s only');
  });

  it('answers politely where no assistant is set up, at most once a minute per user', async () => {
    const quiet = await sim.control<{ guildId: string; channels: Record<string, string>; members: Record<string, string> }>('POST', '/guilds', {
      name: 'Quiet Guild',
      channels: [{ name: 'lobby' }],
      members: [{ username: 'quinn' }, { username: 'robin' }],
      botMember: true,
    });
    const lobby = quiet.channels.lobby!;
    const quinn = quiet.members.quinn!;
    const robin = quiet.members.robin!;

    const firstAsk = await say(lobby, quinn, `${mention()} anyone here?`);
    await eventually(async () => (await repliesTo(lobby, firstAsk)).length === 1, 'the polite answer');
    assert.equal((await repliesTo(lobby, firstAsk))[0]!.content, NO_ASSISTANT_MESSAGE);

    const secondAsk = await say(lobby, quinn, `hello? ${mention()}`);
    const otherAsk = await say(lobby, robin, `${mention()} hi`);
    // Robin's message comes after Quinn's second one; once Robin is answered, Quinn's second has been decided.
    await eventually(async () => (await repliesTo(lobby, otherAsk)).length === 1, 'the polite answer to another user');
    assert.equal((await repliesTo(lobby, secondAsk)).length, 0, 'the same user is not answered twice within a minute');
    assert.equal((await botMessages(lobby, firstAsk.id)).length, 2);
    assert.equal(guildApp.received.filter((r) => r.type === 'assistant.message' && [quinn, robin].includes(r.data.userId)).length, 0);
  });

  it('tells a user who sends too fast to wait, and relays nothing over the budget', async () => {
    const channel = sim.demo.channels.events!;
    const user = sim.demo.members.linus!;
    guildApp.answer = (data) => ({ reply: `ok: ${data.content}` });

    const asked: SimMessage[] = [];
    for (let i = 1; i <= BURST + 1; i += 1) asked.push(await say(channel, user, `${mention()} question ${i}`));
    await eventually(async () => (await botMessages(channel, asked[0]!.id)).some((m) => m.content.includes('a bit fast')), 'the too-fast notice');

    const notices = (await botMessages(channel, asked[0]!.id)).filter((m) => m.content.includes('a bit fast'));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.content, /^You're sending messages a bit fast — try again in \d+ s\.$/);
    const limited = asked.find((m) => m.id === notices[0]!.message_reference?.message_id);
    assert.ok(limited, 'the notice replies to one of the messages');
    const relayed = asked.filter((m) => m !== limited).map((m) => m.content.replace(mention(), '').trim());
    await eventually(() => messagesFrom(guildApp, user).length === BURST, 'the messages within the budget arrive');
    assert.deepEqual(messagesFrom(guildApp, user).map((d) => d.content).sort(), relayed.sort());
    await eventually(async () => (await botMessages(channel, asked[0]!.id)).filter((m) => m.content.startsWith('ok: ')).length === BURST, 'their replies');
  });

  it('posts nothing when the app answers without a reply; the event stays in the outbox and the app posts later', async () => {
    const channel = sim.demo.channels.support!;
    const user = sim.demo.members.marie!;
    guildApp.answer = () => undefined;

    const asked = await say(channel, user, `${mention()} think about it`);
    await eventually(() => messagesFrom(guildApp, user).length === 1, 'the question arrives');
    const eventId = guildApp.received.find((r) => r.type === 'assistant.message' && r.data.userId === user)!.id;
    const delivery = () => hub.database.db.selectFrom('webhook_deliveries').select('status').where('event_id', '=', eventId).executeTakeFirst();
    await eventually(async () => (await delivery())?.status === 'delivered', 'the delivery is recorded');
    const stored = await hub.database.db.selectFrom('webhook_events').select(['type', 'app_id']).where('id', '=', eventId).executeTakeFirst();
    assert.deepEqual({ ...stored }, { type: 'assistant.message', app_id: guildApp.id });

    await call('POST', `/api/v1/apps/${guildApp.id}/messages`, guildApp.token, { channelId: channel, content: 'Here is my answer, later.' });
    const posted = await botMessages(channel, asked.id);
    assert.deepEqual(posted.map((m) => m.content), ['Here is my answer, later.']);
  });
});
