/**
 * The ticket routes on a small Fastify app set up like the hub's server (zod compilers, the error envelope).
 * Authentication itself is tested in api.test.ts; here a stub takes the role from the `x-test-role` header
 * and refuses a route needing more, so that each route's declared role is still checked.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ticketRoutes } from '../../src/http/routes/ticket-routes.ts';
import { createTickets } from '../../src/modules/tickets/create-tickets.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { routeTestApp } from '../support/route-app.ts';

const GUILD = '900000000000000001';
const CREATOR = '100000000000000001';
const STAFF = '200000000000000001';
const OTHER_STAFF = '200000000000000002';
const BASE = `/api/v1/guilds/${GUILD}/tickets`;
const CATEGORIES = `/api/v1/guilds/${GUILD}/ticket-categories`;

function buildApp(database: TestDatabase): Promise<FastifyInstance> {
  return routeTestApp((app) => {
    const tickets = createTickets(database.db);
    ticketRoutes(app, { tickets: tickets.service, categories: tickets.categories });
  });
}

type Call = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown; role?: 'admin' | 'viewer' };

describeEachDatabase('ticket routes', ({ it, open }) => {
  const call = (app: FastifyInstance, { method, url, body, role = 'admin' }: Call) =>
    app.inject({ method, url, headers: { 'x-test-role': role }, ...(body === undefined ? {} : { payload: body as object }) });

  it('opens a ticket in a category and reads it back with its messages', async () => {
    const database = await open();
    const app = await buildApp(database);
    const category = await call(app, { method: 'POST', url: CATEGORIES, body: { name: 'Billing', staffRoleIds: ['300000000000000001'], channelName: 'billing' } });
    assert.equal(category.statusCode, 201);
    const created = await call(app, { method: 'POST', url: BASE, body: { title: 'Refund', description: 'Order 55', category: 'Billing', priority: 'high', creatorId: CREATOR } });
    assert.equal(created.statusCode, 201, created.body);
    const ticket = created.json().data;
    assert.deepEqual([ticket.number, ticket.status, ticket.priority, ticket.categoryId], [1, 'open', 'high', category.json().data.id]);
    assert.equal(created.json().version, '1.0.0');

    const reply = await call(app, { method: 'POST', url: `${BASE}/1/messages`, body: { authorId: STAFF, authorName: 'Sam', content: 'On it' } });
    assert.equal(reply.statusCode, 201, reply.body);
    const read = await call(app, { method: 'GET', url: `${BASE}/1`, role: 'viewer' });
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json().data.messages.map((m: { content: string; source: string }) => [m.content, m.source]), [['On it', 'api']]);
    assert.equal((await call(app, { method: 'GET', url: `${BASE}/2`, role: 'viewer' })).statusCode, 404);
    await app.close();
  });

  it('lets viewers read but not write', async () => {
    const app = await buildApp(await open());
    assert.equal((await call(app, { method: 'POST', url: BASE, role: 'viewer', body: { title: 'a', description: 'b', creatorId: CREATOR } })).statusCode, 403);
    assert.equal((await call(app, { method: 'GET', url: BASE, role: 'viewer' })).statusCode, 200);
    assert.equal((await call(app, { method: 'POST', url: CATEGORIES, role: 'viewer', body: { name: 'x' } })).statusCode, 403);
    await app.close();
  });

  it('validates every input and writes nothing for a bad request', async () => {
    const database = await open();
    const app = await buildApp(database);
    for (const body of [
      { title: '', description: 'b', creatorId: CREATOR },
      { title: 'a', description: 'b', creatorId: 'not-an-id' },
      { title: 'a', description: 'b', creatorId: CREATOR, priority: 'whenever' },
      { title: 'a', description: 'b', creatorId: CREATOR, extra: true },
    ]) {
      const response = await call(app, { method: 'POST', url: BASE, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.json().error.code, 'validation_failed');
    }
    assert.equal((await call(app, { method: 'GET', url: `/api/v1/guilds/abc/tickets`, role: 'viewer' })).statusCode, 400);
    assert.equal((await call(app, { method: 'GET', url: `${BASE}/0`, role: 'viewer' })).statusCode, 400);
    assert.equal((await call(app, { method: 'GET', url: `${BASE}?limit=500`, role: 'viewer' })).statusCode, 400);
    assert.equal((await call(app, { method: 'PATCH', url: `${BASE}/1`, body: {} })).statusCode, 400);
    const unknownCategory = await call(app, { method: 'POST', url: BASE, body: { title: 'a', description: 'b', category: 'Nope', creatorId: CREATOR } });
    assert.deepEqual([unknownCategory.statusCode, unknownCategory.json().error.code], [422, 'unknown_category']);
    assert.equal((await database.db.selectFrom('tickets').select('id').execute()).length, 0);
    assert.equal((await database.db.selectFrom('ticket_guild_counters').select('guild_id').execute()).length, 0);
    await app.close();
  });

  it('answers refusals with 409 or 422 and the reason', async () => {
    const app = await buildApp(await open());
    await call(app, { method: 'POST', url: BASE, body: { title: 'a', description: 'b', creatorId: CREATOR } });
    const second = await call(app, { method: 'POST', url: BASE, body: { title: 'a', description: 'b', creatorId: CREATOR } });
    assert.deepEqual([second.statusCode, second.json().error.code, second.json().error.message], [
      409,
      'limit_reached',
      'You already have an open ticket without a category: #1. Close it before opening another.',
    ]);
    assert.equal((await call(app, { method: 'POST', url: `${BASE}/1/assign`, body: { assigneeId: STAFF } })).statusCode, 200);
    const taken = await call(app, { method: 'POST', url: `${BASE}/1/assign`, body: { assigneeId: OTHER_STAFF } });
    assert.deepEqual([taken.statusCode, taken.json().error.message], [409, `Ticket #1 is already assigned to <@${STAFF}>.`]);
    const patched = await call(app, { method: 'PATCH', url: `${BASE}/1`, body: { status: 'pending', priority: 'urgent' } });
    assert.deepEqual([patched.statusCode, patched.json().data.status, patched.json().data.priority], [200, 'pending', 'urgent']);
    await app.close();
  });

  it('closes, serves the transcript as a text or HTML download, and reopens', async () => {
    const app = await buildApp(await open());
    await call(app, { method: 'POST', url: BASE, body: { title: 'Bug <i>', description: 'b', creatorId: CREATOR } });
    await call(app, { method: 'POST', url: `${BASE}/1/messages`, body: { authorId: STAFF, authorName: 'Sam', content: '<script>x</script>' } });
    assert.equal((await call(app, { method: 'GET', url: `${BASE}/1/transcript`, role: 'viewer' })).statusCode, 404);
    const closed = await call(app, { method: 'POST', url: `${BASE}/1/close`, body: { reason: 'fixed', closedBy: STAFF } });
    assert.deepEqual([closed.statusCode, closed.json().data.status, closed.json().data.closedBy], [200, 'closed', STAFF]);
    const again = await call(app, { method: 'POST', url: `${BASE}/1/close`, body: { closedBy: STAFF } });
    assert.deepEqual([again.statusCode, again.json().error.message], [409, 'Ticket #1 is already closed.']);

    const text = await call(app, { method: 'GET', url: `${BASE}/1/transcript`, role: 'viewer' });
    assert.equal(text.statusCode, 200);
    assert.equal(text.headers['content-disposition'], 'attachment; filename="ticket-1.txt"');
    assert.match(String(text.headers['content-type']), /^text\/plain/);
    assert.match(text.body, /^Ticket #1: Bug <i>\n/);
    assert.match(text.body, /Reason: fixed/);
    const html = await call(app, { method: 'GET', url: `${BASE}/1/transcript?format=html`, role: 'viewer' });
    assert.equal(html.headers['content-disposition'], 'attachment; filename="ticket-1.html"');
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    assert.match(html.body, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.doesNotMatch(html.body, /<script>|<i>/);
    assert.equal((await call(app, { method: 'GET', url: `${BASE}/1/transcript?format=pdf`, role: 'viewer' })).statusCode, 400);

    const reopened = await call(app, { method: 'POST', url: `${BASE}/1/reopen`, body: {} });
    assert.deepEqual([reopened.statusCode, reopened.json().data.status, reopened.json().data.closedAt], [200, 'open', null]);
    const twice = await call(app, { method: 'POST', url: `${BASE}/1/reopen` });
    assert.deepEqual([twice.statusCode, twice.json().error.message], [409, 'Ticket #1 is not closed.']);
    await app.close();
  });

  it('lists with filters, text search and paging', async () => {
    const app = await buildApp(await open());
    const creators = ['100000000000000001', '100000000000000002', '100000000000000003'];
    for (const [i, title] of ['Refund please', 'Login broken', 'REFUND again'].entries()) {
      await call(app, { method: 'POST', url: BASE, body: { title, description: 'd', creatorId: creators[i] } });
    }
    await call(app, { method: 'POST', url: `${BASE}/2/assign`, body: { assigneeId: STAFF } });
    const list = (query: string) => call(app, { method: 'GET', url: `${BASE}?${query}`, role: 'viewer' }).then((r) => r.json().data);
    const numbers = (data: { tickets: Array<{ number: number }> }) => data.tickets.map((t) => t.number);
    assert.deepEqual(numbers(await list('q=refund')), [3, 1]);
    assert.deepEqual(numbers(await list(`assignee=${STAFF}`)), [2]);
    assert.deepEqual(numbers(await list('status=open')), [3, 1]);
    assert.deepEqual(numbers(await list(`creator=${creators[0]}`)), [1]);
    const page = await list('limit=1&offset=1');
    assert.deepEqual([numbers(page), page.total], [[2], 3]);
    await app.close();
  });

  it('manages categories: unique names, changes, and no deletion while tickets are open', async () => {
    const app = await buildApp(await open());
    const created = await call(app, { method: 'POST', url: CATEGORIES, body: { name: 'Bugs', emoji: '🐛' } });
    const id = created.json().data.id;
    assert.deepEqual(created.json().data.staffRoleIds, []);
    assert.equal((await call(app, { method: 'POST', url: CATEGORIES, body: { name: 'Bugs' } })).statusCode, 409);
    const changed = await call(app, { method: 'PATCH', url: `${CATEGORIES}/${id}`, body: { description: 'Crashes', pingRoleIds: ['300000000000000002'] } });
    assert.deepEqual([changed.statusCode, changed.json().data.description, changed.json().data.pingRoleIds], [200, 'Crashes', ['300000000000000002']]);
    assert.equal((await call(app, { method: 'PATCH', url: `${CATEGORIES}/missing`, body: { name: 'x' } })).statusCode, 404);
    await call(app, { method: 'POST', url: BASE, body: { title: 'a', description: 'b', category: id, creatorId: CREATOR } });
    const refused = await call(app, { method: 'DELETE', url: `${CATEGORIES}/${id}` });
    assert.deepEqual([refused.statusCode, refused.json().error.code], [409, 'in_use']);
    await call(app, { method: 'POST', url: `${BASE}/1/close`, body: { closedBy: STAFF } });
    assert.equal((await call(app, { method: 'DELETE', url: `${CATEGORIES}/${id}` })).statusCode, 200);
    assert.deepEqual((await call(app, { method: 'GET', url: CATEGORIES, role: 'viewer' })).json().data, []);
    await app.close();
  });
});
