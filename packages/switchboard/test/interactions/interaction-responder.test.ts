import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionType, MessageFlags } from 'discord-api-types/v10';
import { INTERACTION_TOKEN_LIFETIME_MS, MESSAGE_CONTENT_MAX } from 'discord-limits';
import {
  InteractionExpiredError,
  InteractionResponder,
  InteractionStateError,
  interactionOrigin,
  messageParts,
} from '../../src/interactions/interaction-responder.ts';
import { fakeInteraction, fakeInteractionApi, snowflakeAt } from '../support/fake-interaction-api.ts';

describe('message parts', () => {
  it('keeps a short reply whole and marks it ephemeral when asked', () => {
    assert.deepEqual(messageParts('hello', { ephemeral: true }), [{ content: 'hello', flags: MessageFlags.Ephemeral }]);
    assert.deepEqual(messageParts({ embeds: [{ title: 'x' }] }), [{ embeds: [{ title: 'x' }] }]);
  });

  it('splits long text; the first part keeps embeds and components, every part keeps flags', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = messageParts({ content: text, embeds: [{ title: 'x' }], components: [] }, { ephemeral: true });
    assert.ok(parts.length > 1);
    assert.ok(parts.every((part) => (part.content?.length ?? 0) <= MESSAGE_CONTENT_MAX));
    assert.ok(parts.every((part) => part.flags === MessageFlags.Ephemeral));
    assert.deepEqual(parts[0]?.embeds, [{ title: 'x' }]);
    assert.ok(parts.slice(1).every((part) => part.embeds === undefined && part.components === undefined));
    assert.equal(parts.map((part) => part.content).join('\n'), text);
  });

  it('appends the notice after the text, or uses it alone', () => {
    assert.equal(messageParts('result', { notice: 'note' })[0]?.content, 'result\n\nnote');
    assert.equal(messageParts({ embeds: [] }, { notice: 'note' })[0]?.content, 'note');
  });
});

describe('interaction origin', () => {
  it("uses the snowflake's creation time when it is plausible, otherwise the receipt", () => {
    const created = 1_700_000_000_000;
    assert.deepEqual(interactionOrigin(snowflakeAt(created), created + 120), { at: created, from: 'created' });
    assert.deepEqual(interactionOrigin(snowflakeAt(created), created - 500), { at: created - 500, from: 'received' }, 'created in our future');
    assert.deepEqual(interactionOrigin(snowflakeAt(created), created + 60_000), { at: created + 60_000, from: 'received' }, 'clocks far apart');
    assert.deepEqual(interactionOrigin('not-a-snowflake', 5), { at: 5, from: 'received' });
  });
});

describe('interaction responder', () => {
  it('replies once, then sends follow-ups, and measures the time to the first acknowledgement', async () => {
    const fake = fakeInteractionApi();
    const created = Date.now();
    let clock = created + 40;
    const acknowledged: number[] = [];
    const responder = new InteractionResponder({
      api: fake.api,
      interaction: fakeInteraction({ at: created }),
      receivedAt: created + 10,
      now: () => clock,
      onAcknowledged: (ms) => acknowledged.push(ms),
    });
    assert.equal(responder.acknowledged, false);
    await responder.reply('first');
    clock += 100;
    await responder.reply('second');
    assert.deepEqual(fake.methods(), ['reply', 'followUp']);
    assert.equal(responder.acknowledged, true);
    assert.equal(responder.acknowledgedAfterMs, 40);
    assert.deepEqual(acknowledged, [40]);
  });

  it('turns the first reply after a deferral into an edit of the original, and later ones into follow-ups', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction() });
    await responder.defer({ ephemeral: true });
    assert.equal(responder.awaitingDeferredReply, true);
    await responder.replyEphemeral('done');
    await responder.reply('more');
    assert.deepEqual(fake.methods(), ['defer', 'editReply', 'followUp']);
    assert.deepEqual(fake.calls[0]?.args[2], { flags: MessageFlags.Ephemeral });
    assert.deepEqual(fake.calls[1]?.args[2], { content: 'done' }, 'an edit carries no flags');
    assert.equal(fake.calls[1]?.args[3], '@original');
  });

  it('sends a long reply as the reply plus follow-ups', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction() });
    await responder.replyEphemeral('word '.repeat(1_000));
    assert.deepEqual(fake.methods(), ['reply', 'followUp', 'followUp']);
    assert.ok(fake.calls.every((call) => (call.args[2] as { flags?: number }).flags === MessageFlags.Ephemeral));
  });

  it('adds the notice to the first message only', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction(), notice: 'This is going away.' });
    await responder.reply('a');
    await responder.followUp('b');
    assert.equal((fake.calls[0]?.args[2] as { content: string }).content, 'a\n\nThis is going away.');
    assert.equal((fake.calls[1]?.args[2] as { content: string }).content, 'b');
  });

  it('runs calls one at a time, so a deferral made during a reply is skipped instead of refused by Discord', async () => {
    const fake = fakeInteractionApi({ delayMs: 30 });
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction() });
    const replying = responder.reply('quick');
    const deferring = responder.deferIfPending();
    await replying;
    assert.equal(await deferring, false);
    assert.deepEqual(fake.methods(), ['reply']);
  });

  it('defers a component as an update and lets the handler update the message afterwards', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction({ type: InteractionType.MessageComponent }) });
    assert.equal(await responder.deferIfPending(), true);
    await responder.update('changed');
    await responder.replyEphemeral('and a note');
    assert.deepEqual(fake.methods(), ['deferMessageUpdate', 'editReply', 'followUp']);
  });

  it('updates a component message directly when nothing was sent yet', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction({ type: InteractionType.MessageComponent }) });
    await responder.update({ content: 'new' });
    assert.deepEqual(fake.methods(), ['updateMessage']);
    assert.equal(responder.state, 'updated');
  });

  it('refuses what Discord would refuse, without calling it', async () => {
    const command = new InteractionResponder({ api: fakeInteractionApi().api, interaction: fakeInteraction() });
    await assert.rejects(command.followUp('x'), InteractionStateError);
    await assert.rejects(command.update('x'), /component/);
    await assert.rejects(command.deferUpdate(), InteractionStateError);
    await assert.rejects(command.autocomplete([]), /autocomplete interaction/);
    await command.defer();
    await assert.rejects(command.showModal({ custom_id: 'm:a', title: 't', components: [] }), /after it was answered/);
    await assert.rejects(command.defer(), InteractionStateError);

    const modal = new InteractionResponder({ api: fakeInteractionApi().api, interaction: fakeInteraction({ type: InteractionType.ModalSubmit }) });
    await assert.rejects(modal.showModal({ custom_id: 'm:a', title: 't', components: [] }), /modal submission/);

    const fake = fakeInteractionApi();
    const shown = new InteractionResponder({ api: fake.api, interaction: fakeInteraction() });
    await shown.showModal({ custom_id: 'm:a', title: 't', components: [] });
    await assert.rejects(shown.reply('x'), /after answering with a modal/);
    assert.deepEqual(fake.methods(), ['createModal']);
  });

  it('answers autocomplete with choices and nothing else', async () => {
    const fake = fakeInteractionApi();
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction({ type: InteractionType.ApplicationCommandAutocomplete }) });
    assert.equal(await responder.deferIfPending(), false);
    await assert.rejects(responder.reply('x'), /autocomplete/);
    await responder.autocomplete([{ name: 'One', value: '1' }]);
    assert.deepEqual(fake.methods(), ['createAutocompleteResponse']);
  });

  it('stays pending when the acknowledgement fails, so another attempt is possible', async () => {
    const fake = fakeInteractionApi();
    fake.failNext('reply', new Error('network down'));
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction() });
    await assert.rejects(responder.reply('x'), /network down/);
    assert.equal(responder.acknowledged, false);
    await responder.reply('again');
    assert.equal(responder.state, 'replied');
  });

  it('refuses to call Discord once the token has expired', async () => {
    const fake = fakeInteractionApi();
    const created = Date.now();
    let clock = created;
    const responder = new InteractionResponder({ api: fake.api, interaction: fakeInteraction({ at: created }), receivedAt: created, now: () => clock });
    await responder.defer();
    clock = created + INTERACTION_TOKEN_LIFETIME_MS - 1;
    await responder.editReply('still in time');
    clock = created + INTERACTION_TOKEN_LIFETIME_MS;
    assert.equal(responder.expired, true);
    await assert.rejects(responder.followUp('too late'), InteractionExpiredError);
    assert.deepEqual(fake.methods(), ['defer', 'editReply']);
  });
});
