import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { SwitchboardClient, SwitchboardError } from '../src/index.ts';
import { startHeartbeatLoop } from '../src/heartbeats.ts';
import type { HeartbeatResult } from '../src/index.ts';
import { startStubHub, type StubHub } from './support/stub-hub.ts';

const hubs: StubHub[] = [];
after(async () => {
  await Promise.all(hubs.map((hub) => hub.close()));
});

const beatAnswer = (seconds: number): HeartbeatResult => ({ status: 'online', lastHeartbeatAt: new Date().toISOString(), heartbeatIntervalSeconds: seconds });

test('beats at once, then at the interval the hub names, and stops', async () => {
  const times: number[] = [];
  const hub = await startStubHub(() => {
    times.push(performance.now());
    return { data: beatAnswer(1) };
  });
  hubs.push(hub);
  const client = new SwitchboardClient({ baseUrl: hub.url, appId: 'my-app', token: 't' });
  const beats: HeartbeatResult[] = [];
  // The fallback interval is long: only the hub's 1 s can produce the second beat in time.
  const stop = client.startHeartbeats({ intervalMs: 60_000, onBeat: (result) => beats.push(result), onError: (e) => assert.fail(String(e)) });
  await delay(1400);
  stop();
  assert.equal(times.length, 2);
  const [first, second] = times as [number, number];
  assert.ok(second - first >= 950 && second - first < 1400, `second beat after ${second - first} ms`);
  assert.equal(beats.length, 2);
  assert.ok(hub.requests.every((r) => r.method === 'POST' && r.path === '/api/v1/apps/my-app/heartbeat'));
  await delay(1200);
  assert.equal(times.length, 2, 'no beat after stop');
});

test('beats never overlap: the next waits for the previous to finish', async () => {
  let running = 0;
  let most = 0;
  let calls = 0;
  const stop = startHeartbeatLoop(async () => {
    calls++;
    running++;
    most = Math.max(most, running);
    await delay(1200);
    running--;
    return beatAnswer(1);
  });
  await delay(2500);
  stop();
  assert.equal(most, 1);
  assert.equal(calls, 2, 'a beat at 0 s and one at 2.2 s (1.2 s beat + 1 s wait)');
});

test('a failed beat goes to onError and the loop carries on', async () => {
  const hub = await startStubHub((_request, index) => (index === 0 ? { status: 503, error: { code: 'unavailable', message: 'busy' } } : { data: beatAnswer(30) }));
  hubs.push(hub);
  const client = new SwitchboardClient({ baseUrl: hub.url, appId: 'my-app', token: 't', retry: { maxRetries: 0 } });
  const errors: unknown[] = [];
  let beats = 0;
  const stop = client.startHeartbeats({ intervalMs: 1000, onError: (error) => errors.push(error), onBeat: () => beats++ });
  await delay(1300);
  stop();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof SwitchboardError && errors[0].status === 503);
  assert.equal(beats, 1);
});

test('stopping cancels a beat in flight without reporting it, and schedules nothing more', async () => {
  let calls = 0;
  let aborted = false;
  const errors: unknown[] = [];
  const stop = startHeartbeatLoop(
    (signal) => {
      calls++;
      return new Promise<HeartbeatResult>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(signal.reason);
        });
      });
    },
    { intervalMs: 1000, onError: (error) => errors.push(error) },
  );
  await delay(50);
  stop();
  stop();
  await delay(1200);
  assert.equal(aborted, true);
  assert.equal(calls, 1);
  assert.deepEqual(errors, []);
});

test('a hub interval below one second is raised to one second', async () => {
  let calls = 0;
  const stop = startHeartbeatLoop(async () => {
    calls++;
    return beatAnswer(0.01);
  });
  await delay(600);
  stop();
  assert.equal(calls, 1);
});
