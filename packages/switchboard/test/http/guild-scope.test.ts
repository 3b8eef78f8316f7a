import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { visibleGuildIds } from '../../src/http/guild-scope.ts';

describe('the guilds a caller may see', () => {
  it("limits a guild manager's session to its guilds", () => {
    const visible = visibleGuildIds({ kind: 'session', id: 's1', name: 'ada', role: 'guild-manager', guildIds: ['900000000000000001'], userId: '100000000000000001' });
    assert.deepEqual(visible && [...visible], ['900000000000000001']);
    assert.deepEqual(visibleGuildIds({ kind: 'session', id: 's2', name: 'bob', role: 'guild-manager', guildIds: [], userId: '100000000000000002' })?.size, 0);
  });

  it('lets tokens and admin or viewer sessions see every guild', () => {
    assert.equal(visibleGuildIds({ kind: 'token', id: 't1', name: 'ops', role: 'viewer' }), null);
    assert.equal(visibleGuildIds({ kind: 'session', id: 's3', name: 'admin', role: 'admin', guildIds: [], userId: null }), null);
    assert.equal(visibleGuildIds({ kind: 'session', id: 's4', name: 'viewer', role: 'viewer', guildIds: [], userId: null }), null);
    assert.equal(visibleGuildIds(null), null);
  });
});
