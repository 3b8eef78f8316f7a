/** An in-process hub connected to the simulator, with an admin token, for the reliability suite's faster cases. */
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import type { Database } from '../../../src/storage/database.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, type TestSimulator } from '../../support/simulator.ts';

export type ConnectedHub = { hub: Hub; url: string; adminToken: string };

export async function startConnectedHub(database: Database, sim: TestSimulator, env: Record<string, string> = {}): Promise<ConnectedHub> {
  const hub = await testHub(database, { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, APP_CALLBACKS_ALLOW_LOOPBACK: 'true', ...env }, { discord: true });
  const material = generateApiToken();
  await new ApiTokenRepository(database.db).create({ id: material.id, name: 'reliability-admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
  const url = (await hub.start()).replace('[::1]', '127.0.0.1');
  await eventually(() => hub.discord!.status().ready, 'the hub is connected to the simulator', 15_000);
  return { hub, url, adminToken: material.token };
}
