import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CUSTOM_ID_MAX } from 'discord-limits';
import { appIdOfOwner, appOwner, buildCustomId, CustomIdError, parseCustomId } from '../../src/interactions/custom-id.ts';

describe('custom ids', () => {
  it('builds and parses owner, action and arguments', () => {
    const id = buildCustomId('tickets', 'close', '123', 'yes');
    assert.equal(id, 'tickets:close:123:yes');
    assert.deepEqual(parseCustomId(id), { ok: true, owner: 'tickets', action: 'close', args: ['123', 'yes'] });
    assert.deepEqual(parseCustomId('core:refresh'), { ok: true, owner: 'core', action: 'refresh', args: [] });
  });

  it('names outside applications as app.<id> and reads the id back', () => {
    const id = buildCustomId(appOwner('987654321'), 'vote', 'a');
    assert.equal(id, 'app.987654321:vote:a');
    const parsed = parseCustomId(id);
    assert.ok(parsed.ok);
    assert.equal(appIdOfOwner(parsed.owner), '987654321');
    assert.equal(appIdOfOwner('tickets'), null);
    assert.equal(appIdOfOwner('app.'), null);
  });

  it('rejects empty parts and a missing action when parsing', () => {
    for (const id of ['', 'tickets', ':close', 'tickets:', 'tickets:close:', 'tickets:close::x']) {
      assert.equal(parseCustomId(id).ok, false, id);
    }
  });

  it('rejects ids longer than Discord accepts when parsing', () => {
    const long = `m:a:${'x'.repeat(CUSTOM_ID_MAX)}`;
    const parsed = parseCustomId(long);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.reason, new RegExp(String(CUSTOM_ID_MAX)));
  });

  it('refuses to build what it could not parse back unchanged', () => {
    assert.throws(() => buildCustomId('', 'close'), CustomIdError);
    assert.throws(() => buildCustomId('tickets', ''), CustomIdError);
    assert.throws(() => buildCustomId('tic:kets', 'close'), /owner/);
    assert.throws(() => buildCustomId('tickets', 'clo:se'), /action/);
    assert.throws(() => buildCustomId('tickets', 'close', ''), /argument 1 is empty/);
    assert.throws(() => buildCustomId('tickets', 'close', 'a:b'), /argument 1/);
  });

  it('builds ids up to exactly the limit and no longer', () => {
    const fits = 'x'.repeat(CUSTOM_ID_MAX - 'm:a:'.length);
    assert.equal(buildCustomId('m', 'a', fits).length, CUSTOM_ID_MAX);
    assert.throws(() => buildCustomId('m', 'a', `${fits}x`), /Discord allows 100/);
  });
});
