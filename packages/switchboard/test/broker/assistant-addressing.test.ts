import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, type GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { assistantQuestion, assistantReplyOf, mentionsUser, tooFastMessage, withoutMention } from '../../src/broker/assistant-relay.ts';

const BOT = '100000000000000001';
const USER = '300000000000000001';

function message(overrides: Partial<GatewayMessageCreateDispatchData> = {}): GatewayMessageCreateDispatchData {
  return {
    id: '500000000000000001',
    channel_id: '400000000000000001',
    guild_id: '200000000000000001',
    author: { id: USER, username: 'ada', discriminator: '0', global_name: null, avatar: null },
    content: '',
    timestamp: '2025-03-09T12:00:00.000Z',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    ...overrides,
  } as GatewayMessageCreateDispatchData;
}

describe('which messages are for the assistant', () => {
  it('sees a mention in `mentions` or in the text, in both forms', () => {
    assert.ok(mentionsUser({ content: 'hi', mentions: [{ id: BOT }] }, BOT));
    assert.ok(mentionsUser({ content: `hi <@${BOT}>`, mentions: [] }, BOT));
    assert.ok(mentionsUser({ content: `hi <@!${BOT}>`, mentions: [] }, BOT));
    assert.ok(!mentionsUser({ content: `hi <@${USER}> and <@&${BOT}>`, mentions: [{ id: USER }] }, BOT), 'a role with the same id is not the bot');
    assert.ok(!mentionsUser({ content: `hi <@${BOT}0>`, mentions: [] }, BOT), 'a longer id is someone else');
    assert.ok(!mentionsUser({ content: `hi ${BOT}`, mentions: [] }, BOT));
  });

  it('removes the mention and trims, wherever it is', () => {
    assert.equal(withoutMention(`<@${BOT}> what is a monad?`, BOT), 'what is a monad?');
    assert.equal(withoutMention(`  <@!${BOT}>, what is a monad?  `, BOT), 'what is a monad?');
    assert.equal(withoutMention(`<@${BOT}>: hello`, BOT), 'hello');
    assert.equal(withoutMention(`so <@${BOT}> what now <@${BOT}>`, BOT), 'so what now');
    assert.equal(withoutMention(`<@${BOT}>\n\`\`\`ts\nconst x = 1;\n\`\`\``, BOT), '```ts\nconst x = 1;\n```');
    assert.equal(withoutMention(`ask <@${USER}>`, BOT), `ask <@${USER}>`);
    assert.equal(withoutMention(`<@${BOT}>`, BOT), '');
  });

  it('takes a guild message that mentions the bot, with the question without the mention', () => {
    assert.deepEqual(assistantQuestion(message({ content: `<@${BOT}> how are you?`, mentions: [{ id: BOT } as never] }), BOT), { content: 'how are you?' });
    assert.deepEqual(assistantQuestion(message({ type: MessageType.Reply, content: 'and then?', mentions: [{ id: BOT } as never] }), BOT), { content: 'and then?' });
  });

  it('takes any message in a DM with the bot', () => {
    assert.deepEqual(assistantQuestion(message({ guild_id: undefined, content: 'hello there' }), BOT), { content: 'hello there' });
  });

  it('leaves alone guild messages without a mention, bots, webhooks, the bot itself and system messages', () => {
    assert.equal(assistantQuestion(message({ content: 'just chatting' }), BOT), null);
    const mention = { content: `<@${BOT}> hi`, mentions: [{ id: BOT } as never] };
    assert.equal(assistantQuestion(message({ ...mention, author: { ...message().author, bot: true } }), BOT), null);
    assert.equal(assistantQuestion(message({ ...mention, webhook_id: '600000000000000001' }), BOT), null);
    assert.equal(assistantQuestion(message({ ...mention, author: { ...message().author, id: BOT } }), BOT), null);
    assert.equal(assistantQuestion(message({ ...mention, type: MessageType.ChannelPinnedMessage }), BOT), null);
    assert.equal(assistantQuestion(message({ guild_id: undefined, content: 'hi', type: MessageType.UserJoin }), BOT), null);
  });
});

describe("the assistant's answer", () => {
  it('is the reply of a JSON answer', () => {
    assert.equal(assistantReplyOf('{"reply":"Hello!"}'), 'Hello!');
    assert.equal(assistantReplyOf(' {"reply":"x","extra":1} '), 'x');
  });

  it('is nothing when the app only acknowledged, or answered something else', () => {
    for (const body of ['', '   ', 'OK', '{"type":4}', '{"reply":42}', '{"reply":"   "}', '["reply"]', 'null', '{"reply":']) {
      assert.equal(assistantReplyOf(body), null, JSON.stringify(body));
    }
  });
});

describe('the too-fast notice', () => {
  it('rounds the wait up to whole seconds, at least 1', () => {
    assert.equal(tooFastMessage(2_100), "You're sending messages a bit fast — try again in 3 s.");
    assert.equal(tooFastMessage(10), "You're sending messages a bit fast — try again in 1 s.");
    assert.equal(tooFastMessage(Number.POSITIVE_INFINITY), "You're sending messages a bit fast — try again later.");
  });
});
