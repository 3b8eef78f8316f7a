/**
 * The HTTP server: Fastify with zod schemas, the error envelope, authentication, request budgets and
 * the routes. Route files only declare routes; what they need is passed in.
 */
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { ApiTokenRepository } from '../storage/api-token-repository.ts';
import type { JobRepository } from '../storage/job-repository.ts';
import { installAuthentication, type AppTokenLookup } from './auth.ts';
import { API_PREFIX, API_VERSION } from './envelope.ts';
import { installErrorHandling } from './error-handler.ts';
import { installNulCharacterGuard } from './nul-character-guard.ts';
import { requestRateLimiter, type RequestRateLimits } from './request-rate-limit.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health-routes.ts';
import { botRoutes, type BotControl } from './routes/bot-routes.ts';
import { appRoutes } from './routes/app-routes.ts';
import { ticketRoutes } from './routes/ticket-routes.ts';
import { attendanceRoutes, type AttendanceApiChange } from './routes/attendance-routes.ts';
import { appSessionRoutes, type AppSessions } from './routes/app-session-routes.ts';
import { attendanceLabelRoutes } from './routes/attendance-label-routes.ts';
import type { GuildConfigService } from '../config/guild-config/guild-config-service.ts';
import { guildConfigRoutes } from './routes/guild-config-routes.ts';
import type { AttendanceService } from '../modules/attendance/attendance-service.ts';
import type { Tickets } from '../modules/tickets/create-tickets.ts';
import type { TicketChange } from '../modules/tickets/ticket-results.ts';
import { appMessageRoutes } from './routes/app-message-routes.ts';
import { appDeliveryRoutes } from './routes/app-delivery-routes.ts';
import type { AppMessenger } from '../broker/app-messenger.ts';
import type { DeliveryService } from '../broker/delivery-service.ts';
import type { AppRegistry, CallbackUrlCheck } from '../broker/app-registry.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { httpMetricsHook, metricsRoutes } from './routes/metrics-routes.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { openApiRoutes } from './routes/openapi-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { linkRoutes } from './routes/link-routes.ts';
import { oauthAdminRoutes, type OAuthStats } from './routes/oauth-admin-routes.ts';
import type { LinkFlow } from '../modules/linking/link-flow.ts';
import { streamWebhookRoutes, type StreamWebhookRoutesOptions } from './routes/stream-webhook-routes.ts';
import { streamSubscriptionRoutes, type StreamSubscriptionRoutesOptions } from './routes/stream-subscription-routes.ts';
import { meetingJoinRoutes, type MeetingRoutesOptions } from './routes/meeting-join-routes.ts';
import { guildRoutes, type GuildList, type MemberNameLookup } from './routes/guild-routes.ts';
import { statusHistoryRoutes, type StatusHistorySource } from './routes/status-history-routes.ts';
import { guildStatsRoutes, type GuildStatsSources } from './routes/guild-stats-routes.ts';
import { DEFAULT_DASHBOARD_DIR, dashboardStatic } from './dashboard-static.ts';
import { dashboardRoutes, type DashboardRoutesOptions } from './dashboard/dashboard-routes.ts';
import { sessionCookieFor } from './cookies.ts';

export type HttpServerOptions = {
  logger: Logger;
  version: string;
  startedAt: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  rateLimits: RequestRateLimits;
  rateLimiter: RateLimiter;
  tokens: ApiTokenRepository;
  jobs: JobRepository;
  readinessChecks: ReadinessCheck[];
  publicUrl: string;
  bot: BotControl;
  metrics: HubMetrics;
  /** Finds the app an app token belongs to. */
  appTokens: AppTokenLookup;
  apps: AppRegistry;
  messenger: AppMessenger;
  /** The ticket services, and where to tell Discord about changes made through the API. */
  tickets: Tickets & { onChange: (change: TicketChange) => Promise<void> };
  attendance: {
    service: AttendanceService;
    calendarKey: Buffer;
    onChange: (change: AttendanceApiChange) => Promise<void>;
  };
  appSessions: AppSessions;
  deliveries: DeliveryService;
  checkCallbackUrl: CallbackUrlCheck;
  /** Each guild's configuration. */
  guildConfigs: GuildConfigService;
  /** Account linking's browser flow (/link/…) and its admin statistics; without it those routes are absent. */
  linking?: { flow: LinkFlow; stats: () => Promise<OAuthStats> };
  /** Go-live notifications: the guilds' subscriptions and the platforms' webhook receiver; without it those routes are absent. */
  streams?: StreamSubscriptionRoutesOptions['streams'] & StreamWebhookRoutesOptions;
  /** Kaltura meetings: the personal join links (/meetings/join/…) and the dashboard's list; without it those routes are absent. */
  meetings?: MeetingRoutesOptions;
  /** The guilds the bot is in (GET /api/v1/guilds). */
  guilds: GuildList;
  /** Members' display names, for the dashboard. */
  members: MemberNameLookup;
  /** The last hour of activity in 10-second points (GET /api/v1/status/history). */
  statusHistory: StatusHistorySource;
  /** Tickets per day and answers per past session (the dashboard's charts). */
  guildStats: GuildStatsSources;
  /** Where the built dashboard is (default packages/dashboard/dist). */
  dashboardDir?: string;
  /** Dashboard sign-in (/auth/…, GET /api/v1/me) and the session cookie as a way to authenticate; without it only bearer tokens work. */
  dashboardAuth?: Omit<DashboardRoutesOptions, 'publicUrl' | 'tokens'>;
};

const REQUEST_ID_PATTERN = /^[\w.:-]{1,64}$/;

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    // Idle keep-alive sockets are closed at shutdown; requests in flight finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // The API speaks JSON only: anything else is answered 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installNulCharacterGuard(app);
  httpMetricsHook(app, options.metrics);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (request.url.startsWith(API_PREFIX)) reply.header('X-API-Version', API_VERSION);
  });

  const budgets = requestRateLimiter(options.rateLimiter, options.rateLimits);
  app.addHook('onRequest', async (request, reply) => {
    // The browser pages people open from Discord count against the same per-IP budget as the API.
    if (request.url.startsWith(API_PREFIX) || request.url.startsWith('/link/') || request.url.startsWith('/meetings/join/') || request.url.startsWith('/auth/')) await budgets.byIp(request, reply);
  });
  installAuthentication(app, {
    tokens: options.tokens,
    apps: options.appTokens,
    afterAuthenticated: (_request, reply, principal) => budgets.byToken(principal.id, reply),
    ...(options.dashboardAuth
      ? {
          sessions: {
            cookieName: sessionCookieFor(options.publicUrl).name,
            publicOrigin: new URL(options.publicUrl).origin,
            find: (cookieValue: string) => options.dashboardAuth!.sessions.find(cookieValue),
            csrfValid: (cookieValue: string, presented: string | undefined) => options.dashboardAuth!.sessions.csrfValid(cookieValue, presented),
          },
        }
      : {}),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: API_VERSION,
        description:
          'Every /api/v1 answer is `{ version, data }` or `{ version, error: { code, message, details } }`, with the version also in the X-API-Version header.',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    // Each operation names who may call it (`x-switchboard-auth`: public, viewer, admin or app), for API users and the authorisation tests.
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const auth = (input.route.config as { auth?: unknown } | undefined)?.auth;
      return typeof auth === 'string' ? { ...transformed, schema: { ...transformed.schema, 'x-switchboard-auth': auth } } : transformed;
    },
  });

  healthRoutes(app, { version: options.version, startedAt: options.startedAt, checks: options.readinessChecks });
  openApiRoutes(app);
  metricsRoutes(app, options.metrics);
  jobRoutes(app, options.jobs);
  botRoutes(app, options.bot);
  appRoutes(app, { apps: options.apps, checkCallbackUrl: options.checkCallbackUrl });
  appMessageRoutes(app, { apps: options.apps, messenger: options.messenger });
  ticketRoutes(app, { tickets: options.tickets.service, categories: options.tickets.categories, onChange: options.tickets.onChange });
  appSessionRoutes(app, { apps: options.apps, sessions: options.appSessions });
  guildConfigRoutes(app, { configs: options.guildConfigs });
  attendanceLabelRoutes(app, { configs: options.guildConfigs });
  attendanceRoutes(app, { attendance: options.attendance.service, calendarKey: options.attendance.calendarKey, publicUrl: options.publicUrl, onChange: options.attendance.onChange });
  appDeliveryRoutes(app, { deliveries: options.deliveries, appExists: async (id) => (await options.apps.get(id)) !== undefined });
  tokenRoutes(app, options.tokens);
  if (options.streams) {
    streamSubscriptionRoutes(app, { streams: options.streams });
    await streamWebhookRoutes(app, { receiver: options.streams.receiver });
  }
  if (options.meetings) meetingJoinRoutes(app, options.meetings);
  if (options.linking) {
    linkRoutes(app, { flow: options.linking.flow, publicUrl: options.publicUrl });
    oauthAdminRoutes(app, { stats: options.linking.stats });
  }
  guildRoutes(app, { guilds: options.guilds, members: options.members });
  if (options.dashboardAuth) dashboardRoutes(app, { ...options.dashboardAuth, tokens: options.tokens, publicUrl: options.publicUrl });
  statusHistoryRoutes(app, { history: options.statusHistory });
  guildStatsRoutes(app, { stats: options.guildStats });
  // Last: the dashboard's catch-all GET route.
  dashboardStatic(app, { directory: options.dashboardDir ?? DEFAULT_DASHBOARD_DIR });
  await app.ready();
  return app;
}
