/** A simulator with a demo guild for the hub's tests, and small helpers for its control API. */
import { seedDemoGuild, startSimulator, type Simulator, type SimulatorOptions } from 'discord-sim';

export type TestSimulator = Simulator & {
  demo: ReturnType<typeof seedDemoGuild>;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
};

/** A bot token in Discord's shape, so that the hub's configuration check accepts it. */
export const SIM_BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GsimTk.simulated-bot-token-for-tests-0123456789';

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ port: 0, heartbeatIntervalMs: 300, ...options, application: { token: SIM_BOT_TOKEN, ...options.application } });
  const demo = seedDemoGuild(sim);
  const control = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sim.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /_sim${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return Object.assign(sim, { demo, control });
}

export type SimStats = {
  rest: { total: number; requests: Record<string, Record<string, number>>; rateLimited: number; invalidRequests: { lastWindow: number } };
  gateway: { sends: number; dispatches: number; identifies: number; resumes: number; invalidSessions: number; connectedSessions: number };
  interactions: { created: number; deadlinesMissed: number };
};

/** Polls until the condition holds; fails with the description after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, description: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${description}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
