import assert from 'node:assert/strict';
import { ConversationRepository, conversationRetentionJob, type ConversationKey } from '../../src/storage/conversation-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

const KEY: ConversationKey = { userId: '300000000000000001', channelId: '400000000000000001', day: '2025-03-09' };
const NOW = Date.UTC(2025, 2, 9, 12);

describeEachDatabase('assistant conversation repository', ({ it, open, openAgain }) => {
  it('is at generation 1 until a clear', async () => {
    const database = await open();
    assert.equal(await new ConversationRepository(database.db).generation(KEY), 1);
  });

  it('moves to 2, then 3, and another handle reads the same generation', async () => {
    const database = await open();
    const conversations = new ConversationRepository(database.db);
    assert.deepEqual(await conversations.startNew(KEY, NOW), { previous: 1, current: 2 });
    assert.deepEqual(await conversations.startNew(KEY, NOW + 1), { previous: 2, current: 3 });
    assert.equal(await new ConversationRepository(openAgain(database).db).generation(KEY), 3);
    const row = await database.db.selectFrom('assistant_conversations').selectAll().executeTakeFirstOrThrow();
    assert.equal(Number(row.updated_at), NOW + 1);
  });

  it('keeps users, channels and days apart', async () => {
    const database = await open();
    const conversations = new ConversationRepository(database.db);
    await conversations.startNew(KEY, NOW);
    assert.equal(await conversations.generation({ ...KEY, userId: '300000000000000002' }), 1);
    assert.equal(await conversations.generation({ ...KEY, channelId: '400000000000000002' }), 1);
    assert.equal(await conversations.generation({ ...KEY, day: '2025-03-10' }), 1);
    assert.equal(await conversations.generation(KEY), 2);
  });

  it('gives clears made at the same moment through two handles a generation each', async () => {
    const database = await open();
    const first = new ConversationRepository(database.db);
    const second = new ConversationRepository(openAgain(database).db);
    const results = await Promise.all([first.startNew(KEY, NOW), second.startNew(KEY, NOW), first.startNew(KEY, NOW), second.startNew(KEY, NOW)]);
    assert.deepEqual(results.map((r) => r.current).sort(), [2, 3, 4, 5]);
    assert.equal(await first.generation(KEY), 5);
  });

  it('forgets the days before a cutoff, and the retention job keeps yesterday and today', async () => {
    const database = await open();
    const conversations = new ConversationRepository(database.db);
    for (const day of ['2025-03-07', '2025-03-08', '2025-03-09']) await conversations.startNew({ ...KEY, day }, NOW);
    const result = await conversationRetentionJob(conversations).run({ now: NOW, signal: new AbortController().signal });
    assert.match(result?.summary ?? '', /forgot 1 .*2025-03-08/);
    assert.equal(await conversations.generation({ ...KEY, day: '2025-03-07' }), 1);
    assert.equal(await conversations.generation({ ...KEY, day: '2025-03-08' }), 2);
    assert.equal(await conversations.forgetBefore('2025-03-10'), 2);
    assert.equal(await conversations.generation(KEY), 1);
  });
});
