/**
 * Which outside services the tests can use. Locally a missing PostgreSQL or Redis skips the tests that
 * need it, with the reason in the summary; under CI (`CI` set) a missing service fails the run instead,
 * so that the suite can never pass by silently testing less.
 */
import net from 'node:net';

export const runningInCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

export const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Availability = { available: true; url: string } | { available: false; url: string; reason: string };

function probe(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || defaultPort);
  const host = parsed.hostname || '127.0.0.1';
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    // Generous: on a loaded machine (the suite runs files side by side) a local connect can take a while.
    socket.setTimeout(5000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function availability(name: string, envName: string, url: string, defaultPort: number): Promise<Availability> {
  if (await probe(url, defaultPort)) return { available: true, url };
  const reason = `${name} is not reachable at ${new URL(url).host} (set ${envName} or start ${name})`;
  if (runningInCi) throw new Error(`CI is set and ${reason}: the tests that need it cannot be skipped under CI`);
  return { available: false, url, reason };
}

let postgres: Promise<Availability> | undefined;
let redis: Promise<Availability> | undefined;

/** Whether PostgreSQL answers; throws under CI when it does not. */
export function postgresAvailability(): Promise<Availability> {
  postgres ??= availability('PostgreSQL', 'TEST_POSTGRES_URL', postgresUrl, 5432);
  return postgres;
}

/** Whether Redis answers; throws under CI when it does not. */
export function redisAvailability(): Promise<Availability> {
  redis ??= availability('Redis', 'TEST_REDIS_URL', redisUrl, 6379);
  return redis;
}
