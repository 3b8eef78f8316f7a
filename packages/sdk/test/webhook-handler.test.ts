import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createWebhookHandler, fastifyWebhookPlugin, ReplayGuard } from '../src/index.ts';
import type { EventHandlers, InteractionComponentEvent, WebhookEvent, WebhookHandlerOptions } from '../src/index.ts';
import { eventBody, newSecret, signedHeaders } from './support/signing.ts';

const secret = newSecret();
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let counter = 0;
/** POSTs a webhook signed as the hub does (a fresh id unless given). */
function deliver(url: string, body: string, options: { id?: string; signWith?: string } = {}): Promise<Response> {
  const headers = signedHeaders(options.signWith ?? secret, options.id ?? `msg_${++counter}`, body);
  return fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
}

const componentEvent = eventBody('interaction.component', {
  interaction: { id: '555', token: 'tok', type: 3, data: { custom_id: 'vote:yes', component_type: 2 } },
  respondBy: '2026-01-01T00:00:02.000Z',
});

async function nodeHandler(handlers: EventHandlers, extra: Partial<WebhookHandlerOptions> = {}): Promise<string> {
  return serve(createWebhookHandler({ secret, handlers, onError: () => {}, ...extra }));
}

describe('createWebhookHandler on node:http', () => {
  test('dispatches each event to the handler of its type, with the typed event and context', async () => {
    const seen: [string, string][] = [];
    const url = await nodeHandler({
      'message.create': (event, context) => {
        seen.push([event.type, event.data.content]);
        assert.equal(typeof context.webhookId, 'string');
        assert.ok(context.timestamp instanceof Date);
      },
      'reaction.add': (event) => {
        seen.push([event.type, event.data.message_id]);
      },
    });
    const message = await deliver(url, eventBody('message.create', { id: '1', channel_id: '2', content: 'hello' }));
    assert.equal(message.status, 200);
    assert.equal(await message.text(), '');
    const reaction = await deliver(url, eventBody('reaction.add', { message_id: '77', user_id: '3', channel_id: '2', emoji: { id: null, name: '👍' } }));
    assert.equal(reaction.status, 200);
    assert.deepEqual(seen, [['message.create', 'hello'], ['reaction.add', '77']]);
  });

  test("a click's handler may answer with an interaction callback in the response", async () => {
    let received: InteractionComponentEvent | undefined;
    const url = await nodeHandler({
      'interaction.component': (event) => {
        received = event;
        return { type: 7, data: { content: `voted ${event.data.interaction.data.custom_id}`, components: [] } };
      },
    });
    const response = await deliver(url, componentEvent);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await response.json(), { type: 7, data: { content: 'voted vote:yes', components: [] } });
    assert.equal(received?.data.respondBy, '2026-01-01T00:00:02.000Z');
  });

  test('a click handler that returns nothing gets an empty 200 (the hub defers; follow up later)', async () => {
    const url = await nodeHandler({ 'interaction.component': async () => undefined });
    const response = await deliver(url, componentEvent);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });

  test("the assistant's reply is the response body", async () => {
    const url = await nodeHandler({ 'assistant.message': (event) => ({ reply: `you said: ${event.data.content}` }) });
    const body = eventBody('assistant.message', { conversationId: 'c', userId: 'u', channelId: '2', guildId: '100', content: 'hi', messageId: 'm' });
    const response = await deliver(url, body);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { reply: 'you said: hi' });
  });

  test('default handles known types without a handler of their own; its return is ignored for other types', async () => {
    const seen: string[] = [];
    const url = await nodeHandler({
      'message.create': () => {
        seen.push('specific');
      },
      default: (event: WebhookEvent) => {
        seen.push(`default:${event.type}`);
        return event.type === 'assistant.message' ? { reply: 'from default' } : undefined;
      },
    });
    await deliver(url, eventBody('message.create', { content: 'x' }));
    const ping = await deliver(url, eventBody('ping', {}, { guildId: null }));
    assert.equal(await ping.text(), '');
    const assistant = await deliver(url, eventBody('assistant.message', { conversationId: 'c', userId: 'u', channelId: '2', guildId: null, content: 'q', messageId: 'm' }));
    assert.deepEqual(await assistant.json(), { reply: 'from default' });
    assert.deepEqual(seen, ['specific', 'default:ping', 'default:assistant.message']);
  });

  test('an event type this SDK does not know is answered 200 and handed to no handler', async () => {
    let called = false;
    const url = await nodeHandler({
      default: () => {
        called = true;
      },
    });
    const response = await deliver(url, eventBody('thread.create', { id: '1' }));
    assert.equal(response.status, 200);
    assert.equal(called, false);
  });

  test('a bad signature is 401, a stale one 401, and the handler is not called', async () => {
    let called = 0;
    const url = await nodeHandler({
      'message.create': () => {
        called++;
      },
    });
    const body = eventBody('message.create', { content: 'x' });
    assert.equal((await deliver(url, body, { signWith: newSecret() })).status, 401);
    const stale = signedHeaders(secret, 'msg_stale', body, new Date(Date.now() - 301_000));
    assert.equal((await fetch(url, { method: 'POST', headers: stale, body })).status, 401);
    assert.equal((await fetch(url, { method: 'POST', body })).status, 401);
    assert.equal(called, 0);
  });

  test('a replayed id is 409', async () => {
    let called = 0;
    const url = await nodeHandler({
      'message.create': () => {
        called++;
      },
    });
    const body = eventBody('message.create', { content: 'x' });
    // The very same signed request twice (one timestamp): a replay. Signing twice could straddle a second
    // and give two timestamps, which is the hub re-sending, not a replay.
    const headers = signedHeaders(secret, 'msg_same', body, new Date());
    assert.equal((await fetch(url, { method: 'POST', headers, body })).status, 200);
    assert.equal((await fetch(url, { method: 'POST', headers, body })).status, 409);
    assert.equal(called, 1);
  });

  test('an event the hub re-sends (new timestamp) after it was handled is acknowledged without handling it again', async () => {
    let called = 0;
    const url = await nodeHandler({
      'message.create': () => {
        called++;
      },
    });
    const body = eventBody('message.create', { content: 'x' });
    const first = signedHeaders(secret, 'msg_resent', body, new Date(Date.now() - 20_000));
    assert.equal((await fetch(url, { method: 'POST', headers: first, body })).status, 200);
    const again = signedHeaders(secret, 'msg_resent', body);
    assert.equal((await fetch(url, { method: 'POST', headers: again, body })).status, 200);
    assert.equal(called, 1);
  });

  test('a re-send of an event still being handled is 409, so the hub tries again later', { timeout: 5000 }, async () => {
    let release: () => void = () => {};
    const url = await nodeHandler({
      'message.create': () => new Promise<void>((resolve) => (release = resolve)),
    });
    const body = eventBody('message.create', { content: 'x' });
    const first = fetch(url, { method: 'POST', headers: signedHeaders(secret, 'msg_slow', body, new Date(Date.now() - 20_000)), body });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await fetch(url, { method: 'POST', headers: signedHeaders(secret, 'msg_slow', body), body })).status, 409);
    release();
    assert.equal((await first).status, 200);
  });

  test('a handler that throws is 500, reported, and the retry of that delivery is accepted', async () => {
    let attempts = 0;
    const reported: unknown[] = [];
    const url = await nodeHandler(
      {
        'message.create': () => {
          attempts++;
          if (attempts === 1) throw new Error('database down');
        },
      },
      { onError: (error) => reported.push(error), replayGuard: new ReplayGuard() },
    );
    const body = eventBody('message.create', { content: 'x' });
    const failed = await deliver(url, body, { id: 'msg_retry' });
    assert.equal(failed.status, 500);
    assert.doesNotMatch(await failed.text(), /database down/, 'the error itself stays in the app');
    assert.equal(reported.length, 1);
    assert.equal((await deliver(url, body, { id: 'msg_retry' })).status, 200);
    assert.equal(attempts, 2);
  });

  test('a signed body that is not an event is 400; other methods 405; an oversized body 413', async () => {
    const url = await nodeHandler({}, { maxBodyBytes: 1024 });
    assert.equal((await deliver(url, '{"not":"an event"}')).status, 400);
    const get = await fetch(url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await deliver(url, eventBody('message.create', { content: 'x'.repeat(2000) }))).status, 413);
  });

  test('an unusable secret fails at creation', () => {
    assert.throws(() => createWebhookHandler({ secret: 'whsec_%%%', handlers: {} }), TypeError);
  });
});

describe('fastifyWebhookPlugin', () => {
  test('verifies the raw body on its route while other routes keep parsing JSON', async () => {
    const app = Fastify();
    closers.push(() => app.close());
    const handler = createWebhookHandler({ secret, handlers: { 'interaction.component': () => ({ type: 6 }) } });
    await app.register(fastifyWebhookPlugin, { prefix: '/hooks', path: '/switchboard', handler });
    app.post('/other', async (request) => ({ parsed: request.body }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    const answered = await deliver(`${url}/hooks/switchboard`, componentEvent);
    assert.equal(answered.status, 200);
    assert.deepEqual(await answered.json(), { type: 6 });
    // Whitespace the hub signed is part of the signature: only the raw string can verify it.
    const spaced = eventBody('message.create', { content: 'x' }).replace(':', ' : ');
    assert.equal((await deliver(`${url}/hooks/switchboard`, spaced)).status, 200);
    assert.equal((await deliver(`${url}/hooks/switchboard`, componentEvent, { signWith: newSecret() })).status, 401);

    const other = await fetch(`${url}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await other.json(), { parsed: { a: 1 } });
  });

  test('works when the application replaced the JSON parser with its own', async () => {
    const app = Fastify();
    closers.push(() => app.close());
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, { custom: JSON.parse(String(body)) }));
    app.post('/other', async (request) => request.body);
    await app.register(fastifyWebhookPlugin, { path: '/hook', handler: createWebhookHandler({ secret, handlers: {} }) });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    assert.equal((await deliver(`${url}/hook`, eventBody('message.create', { content: 'x' }))).status, 200);
    const other = await fetch(`${url}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await other.json(), { custom: { a: 1 } });
  });

  test('handler.fastify on a route whose body was parsed fails loudly (500) instead of guessing', async () => {
    const app = Fastify({ logger: false });
    closers.push(() => app.close());
    const handler = createWebhookHandler({ secret, handlers: {} });
    app.post('/hook', handler.fastify);
    const body = eventBody('message.create', { content: 'x' });
    const response = await app.inject({ method: 'POST', url: '/hook', headers: { ...signedHeaders(secret, 'msg_f', body), 'content-type': 'application/json' }, payload: body });
    assert.equal(response.statusCode, 500);
  });
});

describe('handler.express', () => {
  /** Runs the middleware as Express would, after an optional body parser, on a real request. */
  async function expressLike(prepare: (req: IncomingMessage & { body?: unknown }) => Promise<void>): Promise<{ url: string; nextErrors: unknown[] }> {
    const nextErrors: unknown[] = [];
    const handler = createWebhookHandler({ secret, handlers: { 'interaction.component': () => ({ type: 6 }) } });
    const url = await serve((req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
      void prepare(req).then(() =>
        handler.express(req, res, (error?: unknown) => {
          nextErrors.push(error);
          res.statusCode = error === undefined ? 404 : 500;
          res.end();
        }),
      );
    });
    return { url, nextErrors };
  }

  const readAll = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  test('reads the stream when no body parser ran', async () => {
    const { url } = await expressLike(async () => {});
    const response = await deliver(url, componentEvent);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { type: 6 });
  });

  test('uses a Buffer body left by express.raw()', async () => {
    const { url } = await expressLike(async (req) => {
      req.body = await readAll(req);
    });
    assert.equal((await deliver(url, componentEvent)).status, 200);
    assert.equal((await deliver(url, componentEvent, { signWith: newSecret() })).status, 401);
  });

  test('behind express.json() it passes an error to next instead of verifying re-serialized JSON', async () => {
    const { url, nextErrors } = await expressLike(async (req) => {
      req.body = JSON.parse((await readAll(req)).toString('utf8'));
    });
    assert.equal((await deliver(url, componentEvent)).status, 500);
    assert.equal(nextErrors.length, 1);
    assert.match(String(nextErrors[0]), /express\.json\(\)/);
  });

  test('other methods are passed on with next()', async () => {
    const { url, nextErrors } = await expressLike(async () => {});
    assert.equal((await fetch(url)).status, 404);
    assert.deepEqual(nextErrors, [undefined]);
  });
});
