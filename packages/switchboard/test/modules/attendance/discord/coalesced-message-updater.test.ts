import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import type { APIMessage, RESTPatchAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { capturedLogger } from '../../../support/captured-logger.ts';
import { startTestSimulator, type SimStats, type TestSimulator } from '../../../support/simulator.ts';
import { CoalescedMessageUpdater, type MessageEditor, type UpdaterTimers } from '../../../../src/modules/attendance/discord/coalesced-message-updater.ts';
import { sessionMessage, type SessionView } from '../../../../src/modules/attendance/discord/session-message.ts';

/** A clock and timers that move only when told. */
class ManualTime implements UpdaterTimers {
  now = 0;
  #pending: { at: number; callback: () => void; id: number }[] = [];
  #next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.push({ at: this.now + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#pending = this.#pending.filter((t) => t.id !== handle);
  }
  get pendingCount(): number {
    return this.#pending.length;
  }
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const due = this.#pending.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#pending = this.#pending.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
      await settle();
    }
    this.now = until;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

type Edit = { channelId: string; messageId: string; content: string | null | undefined };

/** An editor that records edits; each edit waits until released when `hold` is on, and fails while `failures` > 0. */
function fakeEditor(): { api: MessageEditor; edits: Edit[]; hold: boolean; release: () => void; failures: number } {
  const waiting: (() => void)[] = [];
  const fake = {
    edits: [] as Edit[],
    hold: false,
    failures: 0,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
    api: {
      channels: {
        editMessage: async (channelId: string, messageId: string, body: RESTPatchAPIChannelMessageJSONBody): Promise<APIMessage> => {
          if (fake.hold) await new Promise<void>((resolve) => waiting.push(resolve));
          if (fake.failures > 0) {
            fake.failures -= 1;
            throw new Error('Discord said no');
          }
          fake.edits.push({ channelId, messageId, content: body.content });
          return {} as APIMessage;
        },
      },
    } as MessageEditor,
  };
  return fake;
}

describe('CoalescedMessageUpdater (manual time)', () => {
  function setup(): { time: ManualTime; editor: ReturnType<typeof fakeEditor>; state: { count: number }; updater: CoalescedMessageUpdater; lines: ReturnType<typeof capturedLogger>['lines'] } {
    const time = new ManualTime();
    const editor = fakeEditor();
    const state = { count: 0 };
    const { logger, lines } = capturedLogger();
    const updater = new CoalescedMessageUpdater({
      api: editor.api,
      render: (key) => ({ channelId: 'c1', messageId: key, body: { content: `count ${state.count}` } }),
      logger,
      minIntervalMs: 1_000,
      retryDelayMs: 5_000,
      now: () => time.now,
      timers: time,
    });
    return { time, editor, state, updater, lines };
  }

  it('edits at once, then writes what came in meanwhile in one more edit with the latest state', async () => {
    const { time, editor, state, updater } = setup();
    editor.hold = true;
    state.count = 1;
    updater.request('m1');
    for (let i = 2; i <= 20; i += 1) {
      state.count = i;
      updater.request('m1');
    }
    await settle();
    editor.hold = false;
    editor.release();
    await settle();
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 1'], 'one edit in flight at a time');
    await time.advance(999);
    assert.equal(editor.edits.length, 1, 'no second edit before the interval has passed');
    await time.advance(1);
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 1', 'count 20']);
    state.count = 21;
    updater.request('m1');
    state.count = 22;
    updater.request('m1');
    await time.advance(1_000);
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 1', 'count 20', 'count 22']);
    assert.equal(updater.isPending('m1'), false);
  });

  it('reads the state when the edit starts, not when it was requested', async () => {
    const { time, editor, state, updater } = setup();
    updater.request('m1');
    await settle();
    state.count = 5;
    updater.request('m1');
    state.count = 9;
    await time.advance(1_000);
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 0', 'count 9']);
  });

  it('keeps messages apart: each has its own edit and interval', async () => {
    const { editor, updater } = setup();
    updater.request('m1');
    updater.request('m2');
    await settle();
    assert.deepEqual(editor.edits.map((e) => e.messageId).sort(), ['m1', 'm2']);
  });

  it('logs a failed edit and tries once more after the retry delay', async () => {
    const { time, editor, state, updater, lines } = setup();
    editor.failures = 1;
    state.count = 3;
    updater.request('m1');
    await settle();
    assert.equal(editor.edits.length, 0);
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg.includes('trying once more')));
    state.count = 4;
    await time.advance(4_999);
    assert.equal(editor.edits.length, 0);
    await time.advance(1);
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 4']);
  });

  it('gives up after the second failure until the next request', async () => {
    const { time, editor, updater, lines } = setup();
    editor.failures = 2;
    updater.request('m1');
    await settle();
    await time.advance(5_000);
    assert.equal(editor.edits.length, 0);
    assert.ok(lines.some((l) => l.level === 'error' && l.msg.includes('failed twice')));
    assert.equal(time.pendingCount, 0);
    assert.equal(updater.isPending('m1'), false);
    updater.request('m1');
    await time.advance(1_000);
    assert.equal(editor.edits.length, 1);
  });

  it('does not write when render finds nothing', async () => {
    const time = new ManualTime();
    const editor = fakeEditor();
    const updater = new CoalescedMessageUpdater({ api: editor.api, render: () => null, logger: capturedLogger().logger, now: () => time.now, timers: time });
    updater.request('gone');
    await updater.flush();
    assert.equal(editor.edits.length, 0);
  });

  it('flush writes what waits for the interval at once', async () => {
    const { editor, state, updater } = setup();
    updater.request('m1');
    await settle();
    state.count = 7;
    updater.request('m1');
    assert.equal(updater.isPending('m1'), true);
    await updater.flush();
    assert.deepEqual(editor.edits.map((e) => e.content), ['count 0', 'count 7']);
    assert.equal(updater.isPending('m1'), false);
  });

  it('stop clears the timers and ignores later requests', async () => {
    const { time, editor, updater } = setup();
    updater.request('m1');
    await settle();
    updater.request('m1');
    assert.equal(time.pendingCount, 1);
    updater.stop();
    assert.equal(time.pendingCount, 0);
    updater.request('m1');
    await time.advance(10_000);
    await updater.flush();
    assert.equal(editor.edits.length, 1);
  });
});

describe('CoalescedMessageUpdater against the simulator', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await sim.close();
  });

  it('turns 50 clicks within a second into a few edits, without 429s, ending on the final state', async () => {
    const api = new API(new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken));
    const channelId = sim.demo.channels.events;
    assert.ok(channelId);
    const people = Object.values(sim.demo.members);
    const state: SessionView = {
      sessionId: 's1',
      title: 'Session 1',
      description: '',
      startsAt: new Date('2030-01-01T18:00:00Z'),
      endsAt: new Date('2030-01-01T21:00:00Z'),
      timezone: 'UTC',
      capacity: 6,
      status: 'scheduled',
      answers: { yes: [], maybe: [], late: [], no: [], waitlist: [] },
    };
    const posted = await api.channels.createMessage(channelId, sessionMessage(state));
    await sim.control('POST', '/stats/reset');
    const { logger } = capturedLogger();
    const updater = new CoalescedMessageUpdater({
      api,
      render: () => ({ channelId, messageId: posted.id, body: sessionMessage(state) }),
      logger,
    });
    const answers = ['yes', 'maybe', 'late', 'no'] as const;
    for (let click = 0; click < 50; click += 1) {
      const person = people[click % people.length];
      assert.ok(person);
      const answer = answers[(click * 7) % answers.length] ?? 'yes';
      for (const list of answers) state.answers[list] = state.answers[list].filter((id) => id !== person);
      state.answers[answer].push(person);
      updater.request('s1');
      await new Promise((resolve) => setTimeout(resolve, 18));
    }
    await updater.flush();
    updater.stop();

    const stats = await sim.control<SimStats>('GET', '/stats');
    const patches = stats.rest.requests['PATCH /channels/:channelId/messages/:messageId'] ?? {};
    const ok = patches['200'] ?? 0;
    assert.ok(ok >= 1, JSON.stringify(patches));
    assert.ok(ok <= 5, `expected a few edits for 50 clicks, got ${ok}`);
    assert.equal(patches['429'] ?? 0, 0);
    assert.equal(stats.rest.rateLimited, 0);

    const messages = await sim.control<{ id: string; embeds: unknown[]; components: unknown[] }[]>('GET', `/channels/${channelId}/messages`);
    const stored = messages.find((m) => m.id === posted.id);
    assert.ok(stored);
    const expected = sessionMessage(state);
    const withoutType = (embeds: unknown[]): unknown => JSON.parse(JSON.stringify(embeds, (key, value: unknown) => (key === 'type' ? undefined : value)));
    assert.deepEqual(withoutType(stored.embeds), withoutType(expected.embeds));
    assert.ok(state.answers.yes.length > 0, 'the final state has answers, so an unedited message could not pass');
  });
});
