/** Puts a simulator together: state, gateway, REST, control API and browser view on one HTTP port. */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ControlApi } from './control/control-api.ts';
import { FaultInjector } from './faults/fault-injector.ts';
import { ALL_PRIVILEGED, flagsForPrivileged } from './gateway/protocol.ts';
import type { PrivilegedIntentName } from './gateway/protocol.ts';
import { GatewayServer } from './gateway/gateway-server.ts';
import { RateLimiter } from './rest/rate-limiter.ts';
import { RestServer } from './rest/rest-server.ts';
import type { SimContext } from './sim-context.ts';
import { InteractionRegistry } from './state/interactions.ts';
import { OAuthGrants } from './state/oauth-grants.ts';
import { OAuthServer } from './oauth/oauth-server.ts';
import { seedDemoGuild } from './control/demo-guild.ts';
import { SimulatedState } from './state/simulated-state.ts';
import { Stats } from './stats/stats.ts';
import { sendJson } from './util/http.ts';
import { isWebPath, serveWeb } from './web/web-server.ts';

export interface SimulatorOptions {
  /** Default 3001; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default true; false disables the per-route and global REST limits (throughput benchmarks). */
  realisticRateLimits?: boolean;
  /**
   * The simulated bot application. Token default `sim-bot-token`; all three privileged intents enabled by default.
   * Its OAuth2 client id is its id; the client secret defaults to `sim-client-secret`.
   */
  application?: { id?: string; name?: string; token?: string; clientSecret?: string; privilegedIntents?: PrivilegedIntentName[] };
  /** The interval HELLO announces; default 41250 ms. */
  heartbeatIntervalMs?: number;
  /** Creates the "Switchboard Demo" guild. */
  seedDemoGuild?: boolean;
}

export interface Simulator {
  url: string;
  apiBase: string;
  gatewayUrl: string;
  botToken: string;
  applicationId: string;
  /** OAuth2: the client id (the application id) and secret, for `<url>/oauth2/authorize`, `/token`, `/revoke`, `/userinfo`. */
  clientId: string;
  clientSecret: string;
  botUserId: string;
  state: SimulatedState;
  close(): Promise<void>;
}

const API_PREFIX = /^\/api\/v(9|10)(?=\/)/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const app = options.application ?? {};
  const state = new SimulatedState({
    id: app.id,
    name: app.name,
    token: app.token ?? 'sim-bot-token',
    flags: flagsForPrivileged(app.privilegedIntents ?? ALL_PRIVILEGED),
  });
  const stats = new Stats();
  const urls = { url: '', apiBase: '', gatewayUrl: '' };
  const gateway = new GatewayServer({ state, stats, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250, publicUrl: () => urls.gatewayUrl });
  const sim: SimContext = {
    state,
    stats,
    gateway,
    urls,
    interactions: new InteractionRegistry(),
    faults: new FaultInjector(),
    rateLimiter: new RateLimiter(options.realisticRateLimits ?? true),
    oauth: { clientSecret: app.clientSecret ?? 'sim-client-secret', grants: new OAuthGrants() },
  };
  const rest = new RestServer(sim);
  const control = new ControlApi(sim);
  const oauth = new OAuthServer(sim);

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const api = API_PREFIX.exec(path);
    if (api) return rest.handle(req, res, path.slice(api[0].length), url.searchParams);
    if (path.startsWith('/oauth2/')) return oauth.handle(req, res, path.slice('/oauth2'.length), url.searchParams);
    if (path === '/_sim' || path.startsWith('/_sim/')) return control.handle(req, res, path.slice('/_sim'.length) || '/', url.searchParams);
    if (req.method === 'GET' && isWebPath(path)) return serveWeb(path, res);
    sendJson(res, 404, { message: '404: Not Found', code: 0 });
  };
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendJson(res, 500, { message: String(error), code: 0 }));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3001, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  urls.url = `http://${hostForUrl}:${port}`;
  urls.apiBase = `${urls.url}/api`;
  urls.gatewayUrl = `ws://${hostForUrl}:${port}`;

  const simulator: Simulator = {
    ...urls,
    botToken: state.application.token,
    applicationId: state.application.id,
    clientId: state.application.id,
    clientSecret: sim.oauth.clientSecret,
    botUserId: state.application.botUserId,
    state,
    close: async () => {
      gateway.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  if (options.seedDemoGuild) seedDemoGuild(simulator);
  return simulator;
}
