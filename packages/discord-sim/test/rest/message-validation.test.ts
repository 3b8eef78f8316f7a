import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMBED_TITLE_MAX, MESSAGE_CONTENT_MAX } from 'discord-limits';
import { api, createTestGuild, withSim } from '../support/sim-helpers.ts';

test('invalid message bodies answer 50035 with Discord\'s nested errors, empty ones 50006', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { channels } = await createTestGuild(sim);
    const path = `/channels/${channels.general}/messages`;

    const title = await api(sim, 'POST', path, { embeds: [{ title: 'x'.repeat(EMBED_TITLE_MAX + 1) }] });
    assert.equal(title.status, 400);
    assert.deepEqual(title.body, {
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
    });

    const content = await api(sim, 'POST', path, { content: 'x'.repeat(MESSAGE_CONTENT_MAX + 1) });
    assert.deepEqual(content.body.errors, { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } });

    const total = await api(sim, 'POST', path, { embeds: [{ description: 'x'.repeat(4000), fields: [{ name: 'n', value: 'v'.repeat(1024) }, { name: 'n', value: 'v'.repeat(1024) }] }] });
    assert.equal((total.body.errors as Record<string, Record<string, { _errors: Array<{ code: string }> }>>).embeds?.['0']?._errors[0]?.code, 'MAX_EMBED_SIZE_EXCEEDED');

    const button = { type: 2, style: 1, label: 'b', custom_id: 'b' };
    const tooWide = await api(sim, 'POST', path, { content: 'x', components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ ...button, custom_id: `b${i}` })) }] });
    assert.equal(tooWide.status, 400);
    assert.ok((tooWide.body.errors as Record<string, Record<string, unknown>>).components?.['0']);
    const missingId = await api(sim, 'POST', path, { content: 'x', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'no id' }] }] });
    assert.equal(JSON.stringify(missingId.body.errors), JSON.stringify({ components: { '0': { components: { '0': { custom_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } } } } } }));

    const empty = await api(sim, 'POST', path, { content: '' });
    assert.deepEqual([empty.status, empty.body.code, empty.body.message], [400, 50006, 'Cannot send an empty message']);

    const fine = await api(sim, 'POST', path, { content: 'x'.repeat(MESSAGE_CONTENT_MAX), embeds: [{ title: 't'.repeat(EMBED_TITLE_MAX) }] });
    assert.equal(fine.status, 200);
  });
});
