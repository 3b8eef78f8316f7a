import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRoute, ticketPath } from '../src/routing/routes.ts';

describe('matchRoute', () => {
  it('matches every page of the navigation and the sign-in page', () => {
    assert.deepEqual(matchRoute('/'), { page: 'status' });
    for (const page of ['tickets', 'sessions', 'apps', 'connections', 'meetings', 'config', 'jobs', 'sign-in']) {
      assert.deepEqual(matchRoute(`/${page}`), { page });
      assert.deepEqual(matchRoute(`/${page}/`), { page });
    }
  });

  it('reads a ticket path and makes it back', () => {
    assert.deepEqual(matchRoute('/tickets/123456789012345678/42'), { page: 'ticket', guildId: '123456789012345678', number: 42 });
    assert.deepEqual(matchRoute(ticketPath('123456789012345678', 7)), { page: 'ticket', guildId: '123456789012345678', number: 7 });
  });

  it('calls anything else not found', () => {
    assert.deepEqual(matchRoute('/tickets/abc/1'), { page: 'not-found', path: '/tickets/abc/1' });
    assert.deepEqual(matchRoute('/tickets/123456789012345678/0'), { page: 'not-found', path: '/tickets/123456789012345678/0' });
    assert.deepEqual(matchRoute('/admin'), { page: 'not-found', path: '/admin' });
  });
});
