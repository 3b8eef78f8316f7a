import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayEventId } from '../../src/broker/gateway-event-id.ts';
import { newEventId } from '../../src/broker/webhook-event.ts';

describe('gatewayEventId', () => {
  const origin = { sessionId: '3f1c0e2a9b8d4c7e', sequence: 42 };

  it('is the same for the same app, type and dispatch, whichever instance computes it', () => {
    assert.equal(gatewayEventId('app-one', 'message.create', origin), gatewayEventId('app-one', 'message.create', { ...origin }));
  });

  it('has the shape of every other event id', () => {
    assert.match(gatewayEventId('app-one', 'message.create', origin), /^evt_[0-9a-f]{32}$/);
    assert.equal(gatewayEventId('a', 'b', origin).length, newEventId().length);
  });

  it('differs when the app, the type, the session or the sequence differs', () => {
    const ids = new Set([
      gatewayEventId('app-one', 'message.create', origin),
      gatewayEventId('app-two', 'message.create', origin),
      gatewayEventId('app-one', 'reaction.add', origin),
      gatewayEventId('app-one', 'message.create', { ...origin, sessionId: 'another' }),
      gatewayEventId('app-one', 'message.create', { ...origin, sequence: 43 }),
      // Fields run together must not collide: "ab"+"c" against "a"+"bc".
      gatewayEventId('ab', 'c', origin),
      gatewayEventId('a', 'bc', origin),
    ]);
    assert.equal(ids.size, 7);
  });

  it('grows with the sequence within a session, so that one session\'s events sort in the order they came', () => {
    const sequences = [1, 2, 9, 10, 15, 16, 255, 256, 4_096, 1_000_000];
    const ids = sequences.map((sequence) => gatewayEventId('app-one', 'message.create', { ...origin, sequence }));
    assert.deepEqual([...ids].sort(), ids);
    // The copies of one dispatch for two apps differ, and sort between the neighbouring dispatches.
    const other = gatewayEventId('app-two', 'message.create', { ...origin, sequence: 9 });
    assert.ok(other > ids[1]! && other < ids[3]!);
  });
});

describe('newEventId', () => {
  it('sorts by the time it was made, and two made in the same millisecond differ', () => {
    const earlier = newEventId(1_700_000_000_000);
    const later = newEventId(1_700_000_000_001);
    assert.match(earlier, /^evt_[0-9a-f]{32}$/);
    assert.ok(earlier < later);
    assert.notEqual(newEventId(1_700_000_000_000), newEventId(1_700_000_000_000));
  });
});
