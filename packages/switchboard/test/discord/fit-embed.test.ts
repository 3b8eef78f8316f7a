import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMBED_FIELD_VALUE_MAX, EMBED_FIELDS_MAX, EMBED_TITLE_MAX, EMBED_TOTAL_MAX } from 'discord-limits';
import { embedLength, fitEmbed, truncate } from '../../src/discord/fit-embed.ts';

describe('fit embed', () => {
  it('truncates with an ellipsis and never splits a surrogate pair', () => {
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('abcdefghij', 5), 'abcd…');
    const cut = truncate('ab😀cd', 4);
    assert.ok(cut.length <= 4);
    assert.equal(cut, 'ab…');
  });

  it('keeps every text, the field count and the total within the limits, shortening long values first', () => {
    const fields = Array.from({ length: EMBED_FIELDS_MAX + 3 }, (_, i) => ({ name: `field ${i}`, value: i === 0 ? 'short' : 'v'.repeat(2_000) }));
    const fitted = fitEmbed({ title: 't'.repeat(400), fields });
    assert.equal(fitted.title?.length, EMBED_TITLE_MAX);
    assert.equal(fitted.fields?.length, EMBED_FIELDS_MAX);
    assert.ok(fitted.fields?.every((field) => field.value.length <= EMBED_FIELD_VALUE_MAX));
    assert.ok(embedLength(fitted) <= EMBED_TOTAL_MAX, `total ${embedLength(fitted)}`);
    assert.equal(fitted.fields?.[0]?.value, 'short');
  });

  it('leaves an embed that fits unchanged', () => {
    const embed = { title: 'Status', fields: [{ name: 'State', value: 'Connected', inline: true }] };
    assert.deepEqual(fitEmbed(embed), embed);
  });
});
