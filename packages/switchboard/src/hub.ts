/**
 * Puts the hub together from its configuration: database and migrations, repositories, the job
 * scheduler and the HTTP server; and takes it apart again in the order that loses nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import type { Config } from './config/environment.ts';
import { DiscordRuntime, FatalStartError } from './discord/discord-runtime.ts';
import { NO_DISCORD_CONNECTION } from './discord/connected-api.ts';
import type { BotStatus } from './discord/bot-status.ts';
import type { HubModule, ModuleContext } from './modules/hub-module.ts';
import { builtInModules } from './modules/built-in-modules.ts';
import { createTicketsFeature } from './modules/tickets/tickets-feature.ts';
import { createAttendanceFeature } from './modules/attendance/attendance-feature.ts';
import { InteractionRouter } from './interactions/interaction-router.ts';
import { InvalidCommandSetError, registerCommands } from './discord/command-registry.ts';
import { CommandRegistrationRepository } from './storage/command-registration-repository.ts';
import { createHttpServer } from './http/server.ts';
import { EventRouter } from './events/event-router.ts';
import { HubMetrics } from './metrics/hub-metrics.ts';
import { StatusHistory } from './metrics/status-history.ts';
import { GuildDirectory } from './discord/guild-directory.ts';
import { MemberNames } from './discord/member-names.ts';
import { TicketRepository } from './storage/ticket-repository.ts';
import { AttendanceRepository } from './storage/attendance-repository.ts';
import { RestGuardrails } from './discord/rest-guardrails.ts';
import { SharedRestLimits } from './discord/shared-rest-limits.ts';
import { jobRunRetentionJob } from './jobs/job-run-retention-job.ts';
import { JobScheduler } from './jobs/scheduler.ts';
import { MemoryRateLimiter } from './rate-limit/memory-rate-limiter.ts';
import { RedisRateLimiter } from './rate-limit/redis-rate-limiter.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import type { Redis as RedisClient } from 'ioredis';
import { ApiTokenRepository } from './storage/api-token-repository.ts';
import { openDatabase, type Database } from './storage/database.ts';
import { JobRepository } from './storage/job-repository.ts';
import { runMigrations, unknownMigrations } from './storage/migrator.ts';
import { AppRepository } from './storage/app-repository.ts';
import { AppRegistry } from './broker/app-registry.ts';
import { createBroker } from './broker/broker.ts';
import { BROKER_MODULE_NAME } from './broker/broker-module.ts';
import { checkCallbackUrl } from './broker/outgoing-url-policy.ts';
import { SecretBox } from './security/secret-box.ts';
import { resolveEncryptionKeys } from './security/encryption-keys.ts';
import { assertKeysPresent } from './security/key-rotation.ts';
import { GuildConfigService } from './config/guild-config/guild-config-service.ts';
import { LOCAL_CONFIG_INVALIDATION, redisConfigInvalidation } from './config/guild-config/config-invalidation.ts';
import { formatOverrideFileProblems, readOverrideFiles } from './config/guild-config/override-files.ts';
import { GuildConfigRepository } from './storage/guild-config-repository.ts';
import { createConfigModule } from './modules/config/config-module.ts';
import type { GuildConfig } from './config/guild-config/guild-config-schema.ts';
import { syncConfiguredCategories } from './modules/tickets/configured-categories.ts';
import { createLinkingFeature, type LinkingFeature } from './modules/linking/linking-feature.ts';
import { createStreamsFeature, type StreamAppCredentials } from './modules/streams/streams-feature.ts';
import { createMeetingsFeature } from './modules/meetings/meetings-feature.ts';
import { providerSpec } from './modules/linking/providers/provider-table.ts';
import { createDashboardAuth } from './http/dashboard/dashboard-auth-feature.ts';
import { guildIconUrl } from './discord/guild-directory.ts';

export const SWITCHBOARD_VERSION: string = packageJson.version;

export type Hub = {
  config: Config;
  database: Database;
  http: FastifyInstance;
  scheduler: JobScheduler;
  discord: DiscordRuntime | undefined;
  /** Account linking: its stores, flow and jobs (tests run the jobs directly). */
  linking: LinkingFeature;
  /** Starts the jobs and listens; resolves with the address. */
  start(): Promise<string>;
  /** Stops accepting, finishes requests and job runs in flight, closes the database. Safe to call twice. */
  stop(): Promise<void>;
};

export type HubOptions = {
  /** Set by tests; the CLI uses the defaults. */
  /** An already opened database (tests share one between two hubs); otherwise DATABASE_URL is opened. */
  database?: Database;
  /** False runs the hub without a Discord connection (tests of the HTTP API alone). */
  discord?: boolean;
};

const NO_DISCORD_STATUS = (version: string): BotStatus => ({
  running: false,
  connected: false,
  ready: false,
  state: 'stopped',
  uptimeSeconds: 0,
  guilds: 0,
  latencyMs: null,
  shards: [],
  lastError: NO_DISCORD_CONNECTION,
  startedAt: null,
  version,
  modules: [],
});

/** The gateway's part of /ready: ready is healthy, on the way back is degraded, anything else is not ready. */
function gatewayReadiness(status: BotStatus): void | { degraded: string } {
  if (status.ready) return;
  if (status.running && ['starting', 'connecting', 'resuming', 'reconnecting'].includes(status.state)) return { degraded: status.state };
  throw new Error(status.lastError ?? status.state);
}

export { FatalStartError };

/** Stands in for ioredis when no REDIS_URL is set, so that a use not behind `config.redisUrl` fails clearly. */
const RedisNotConfigured = class {
  constructor() {
    throw new Error('Redis is not configured (set REDIS_URL)');
  }
} as unknown as typeof RedisClient;

export async function createHub(config: Config, logger: Logger, options: HubOptions = {}): Promise<Hub> {
  const startedAt = Date.now();
  // ioredis (about 5 MB of memory) is loaded only when Redis is configured: every `new Redis` below is behind `config.redisUrl`.
  const Redis = config.redisUrl ? (await import('ioredis')).Redis : RedisNotConfigured;
  const database =
    options.database ??
    openDatabase(config.databaseUrl, {
      onConnectionError: (error) => logger.warn({ err: error }, 'an idle database connection failed; it will be replaced'),
    });
  let rateLimiter: RateLimiter | undefined;
  try {
    const report = await runMigrations(database, undefined, (id, ms) =>
      logger.info({ migration: id, durationMs: Math.round(ms) }, 'migration applied'),
    );
    logger.info({ database: database.description, applied: report.applied.length, total: report.total }, 'database ready');
    // During a rolling upgrade older instances meet a database a newer one migrated: they keep running, loudly.
    const newer = await unknownMigrations(database);
    if (newer.length > 0) {
      logger.warn({ migrations: newer }, 'the database has migrations this version does not know (a newer version migrated it): finish the upgrade, or restore the backup taken before it to roll back');
    }

    const keys = resolveEncryptionKeys(config);
    if (keys.created) logger.warn({ file: keys.file }, 'created an encryption key file for secrets at rest; for production set ENCRYPTION_KEYS instead');
    const secrets = new SecretBox(keys.keys);
    await assertKeysPresent(database.db, secrets);
    const appRepository = new AppRepository(database.db);
    const apps = new AppRegistry(appRepository, secrets);
    const tokens = new ApiTokenRepository(database.db);
    const jobs = new JobRepository(database.db);
    // With several instances the budgets must be shared, or each instance would grant the whole budget again.
    rateLimiter = config.redisUrl
      ? new RedisRateLimiter(new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }), { quitOnClose: true, prefix: `${config.redisKeyPrefix}rate-limit:` })
      : new MemoryRateLimiter();
    const metrics = new HubMetrics();
    // The dashboard's last hour of activity; sampled from start() until stop().
    const statusHistory = new StatusHistory({ metrics });
    const scheduler = new JobScheduler({
      repository: jobs,
      instanceId: config.instanceId,
      logger: logger.child({ component: 'jobs' }),
      tickMs: config.jobTickMs,
      onRunFinished: (job, outcome, durationMs) => metrics.recordJobRun(job, outcome as 'succeeded' | 'failed' | 'timed_out', durationMs / 1000),
    });
    scheduler.register(jobRunRetentionJob(jobs));
    // Each guild's configuration; with several instances, a change drops every instance's cached copy through Redis.
    const guildConfigs = new GuildConfigService({
      repository: new GuildConfigRepository(database.db),
      invalidation: config.redisUrl
        ? redisConfigInvalidation(new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }), new Redis(config.redisUrl, { maxRetriesPerRequest: null }), { instanceId: config.instanceId, keyPrefix: config.redisKeyPrefix, quitOnClose: true })
        : LOCAL_CONFIG_INVALIDATION,
    });
    const fileProblems = await guildConfigs.loadFiles(await readOverrideFiles(config.guildConfigDir));
    for (const line of formatOverrideFileProblems(fileProblems)) logger.error({ problem: line }, `guild configuration override file: ${line}; that guild keeps its last valid configuration`);
    scheduler.register(apps.inactiveAppCleanupJob(config.appInactiveDays, logger.child({ component: 'apps' })));

    const discordLogger = logger.child({ component: 'discord' });
    const botStatus = () => discord?.status() ?? NO_DISCORD_STATUS(SWITCHBOARD_VERSION);
    let router: InteractionRouter | undefined;
    const broker = createBroker({
      database,
      secrets,
      apps,
      appRepository,
      instanceId: config.instanceId,
      urlPolicy: config.appCallbacks,
      retryScale: config.webhookRetryScale,
      deliveryConcurrency: config.webhookConcurrency,
      logger,
      api: () => {
        if (!discord) throw new Error(NO_DISCORD_CONNECTION);
        return discord.api;
      },
      applicationId: () => discord?.application?.id ?? '',
      botUserId: () => events.botUserId,
      rateLimiter,
      userRateLimit: { capacity: config.userRateLimit.burst, refillPerSecond: config.userRateLimit.perMinute / 60 },
      onDeliveryAttempt: (report) => metrics.recordWebhookDelivery(report.outcome, report.durationMs / 1000),
    });
    apps.onChange = () => broker.appsChanged();
    for (const job of broker.jobs) scheduler.register(job);
    const tickets = createTicketsFeature({
      db: database.db,
      api: () => discord?.api,
      logger: logger.child({ component: 'tickets' }),
      publicUrl: config.publicUrl,
      settings: config.tickets,
      guildStaffRoles: async (guildId) => (await guildConfigs.get(guildId)).roleMappings.ticketStaff,
      isThread: (channelId) => broker.channels.isThread(channelId),
    });
    for (const job of tickets.jobs) scheduler.register(job);
    // Ticket categories kept in guild settings exist as declared: those of override files now, others as they change.
    const syncCategories = async (guildId: string, declared: GuildConfig['tickets']['categories']) => {
      const report = await syncConfiguredCategories(tickets.services.categories, guildId, declared);
      if (report.created.length + report.updated.length > 0) logger.info({ guildId, ...report }, 'ticket categories brought in line with the guild settings');
      for (const problem of report.problems) logger.error({ guildId, problem }, `a configured ticket category could not be applied: ${problem}`);
    };
    for (const guildId of guildConfigs.fileGuildIds()) await syncCategories(guildId, (await guildConfigs.get(guildId)).tickets.categories);
    guildConfigs.onChanged(async (guildId, before, after) => {
      if (!isDeepStrictEqual(before.tickets.categories, after.tickets.categories)) await syncCategories(guildId, after.tickets.categories);
    });
    const attendance = createAttendanceFeature({
      db: database.db,
      api: () => discord?.api,
      logger: logger.child({ component: 'attendance' }),
      encryptionKey: keys.keys[0]!,
      mirrorScheduledEvents: config.attendanceScheduledEvents,
      reminderCheckMs: config.attendanceReminderCheckMs,
      labels: async (guildId) => (await guildConfigs.get(guildId)).attendance.labels,
      notifyApp: (appId, guildId, data) => broker.notifyApp(appId, 'session.response', guildId, data),
    });
    for (const job of attendance.jobs) scheduler.register(job);
    // New button labels show on the guild's upcoming session messages at once, whichever way they were set.
    guildConfigs.onChanged(async (guildId, before, after) => {
      if (!discord || isDeepStrictEqual(before.attendance.labels, after.attendance.labels)) return;
      const { sessions } = await attendance.service.list({ guildId, when: 'upcoming', limit: 100, offset: 0 });
      for (const session of sessions) attendance.module.refresh(session);
    });
    const linking = createLinkingFeature({
      db: database.db,
      secrets,
      linking: config.linking,
      publicUrl: config.publicUrl,
      api: () => discord?.api,
      logger: logger.child({ component: 'linking' }),
      metrics,
    });
    for (const job of linking.jobs) scheduler.register(job);
    // The streams module may not import linking's provider table: the token URL of each app is worked out here.
    const streamApp = (platform: 'twitch' | 'kick'): StreamAppCredentials | undefined => {
      const provider = config.linking.providers[platform];
      return provider ? { clientId: provider.clientId, clientSecret: provider.clientSecret, tokenUrl: providerSpec(platform, provider.baseUrl).endpoints.token } : undefined;
    };
    const twitchApp = streamApp('twitch');
    const kickApp = streamApp('kick');
    const streams = createStreamsFeature({
      db: database.db,
      api: () => discord?.api,
      logger: logger.child({ component: 'streams' }),
      secrets,
      publicUrl: config.publicUrl,
      settings: config.streams,
      ...(twitchApp ? { twitch: twitchApp } : {}),
      ...(kickApp ? { kick: kickApp } : {}),
      metrics,
    });
    for (const job of streams.jobs) scheduler.register(job);
    const meetings = createMeetingsFeature({
      db: database.db,
      api: () => discord?.api,
      logger: logger.child({ component: 'meetings' }),
      kaltura: config.kaltura,
      publicUrl: config.publicUrl,
      encryptionKey: keys.keys[0]!,
      guildConfig: (guildId) => guildConfigs.get(guildId),
    });
    const modules: HubModule[] = builtInModules({ commands: () => router?.commands ?? [], status: botStatus, config: createConfigModule({ service: guildConfigs }), broker: broker.module, tickets: tickets.module, attendance: attendance.module, linking: linking.module, streams: streams.module, meetings: meetings.module });
    const buildRouter = (api: NonNullable<typeof discord>['api'], enabled: readonly HubModule[]) =>
      new InteractionRouter({
        modules: [...enabled],
        api,
        logger: logger.child({ component: 'interactions' }),
        rateLimiter: rateLimiter!,
        rateLimit: { capacity: config.userRateLimit.burst, refillPerSecond: config.userRateLimit.perMinute / 60 },
        appInteractionsModule: BROKER_MODULE_NAME,
        guildPolicy: async (guildId) => {
          const guild = await guildConfigs.get(guildId);
          return {
            disabledModules: Object.entries(guild.modules).filter(([, on]) => !on).map(([name]) => name),
            disabledCommands: guild.commands.disabled,
            rateLimit: { capacity: Math.min(config.userRateLimit.burst, guild.rateLimits.commandsPerMinute), refillPerSecond: guild.rateLimits.commandsPerMinute / 60 },
          };
        },
        observer: {
          onResponded: (kind, ms) => metrics.recordInteractionResponse(kind, ms / 1000),
          onDeadlineMissed: () => metrics.recordInteractionDeadlineMissed(),
          onError: (type) => metrics.recordError(`interaction_${type}`),
        },
      });
    const guilds = new GuildDirectory();
    const ticketStats = new TicketRepository(database.db);
    const sessionStats = new AttendanceRepository(database.db);
    // One context per module, not one per event: a child logger is not free, and every event reaches every module.
    const moduleContexts = new Map<HubModule, ModuleContext>();
    const moduleContext = (module: HubModule): ModuleContext => {
      let context = moduleContexts.get(module);
      if (!context) moduleContexts.set(module, (context = { api: discord!.api, logger: discordLogger.child({ module: module.name }) }));
      return context;
    };
    const events = new EventRouter({
      metrics,
      logger: discordLogger,
      channels: broker.channels,
      guilds,
      interactions: () => router,
      modules: () => discord?.enabledModules ?? [],
      context: moduleContext,
    });
    const gatewayRedis = config.redisUrl && options.discord !== false && config.discordToken ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true }) : undefined;
    const discord =
      options.discord === false || !config.discordToken
        ? undefined
        : new DiscordRuntime({
            token: config.discordToken,
            apiUrl: config.discordApiUrl,
            modules,
            shardCount: config.shardCount,
            shardIds: config.shardIds,
            reconnect: { baseMs: config.reconnectBaseMs, capMs: config.reconnectCapMs, maxConsecutiveFailures: config.maxConsecutiveFailures },
            health: { intervalMs: config.healthCheckIntervalMs, maxLatencyMs: config.healthMaxLatencyMs },
            version: SWITCHBOARD_VERSION,
            logger: discordLogger,
            // With Redis the instances share the shards: leases, sessions and the identify gate live there (docs/cluster.md).
            cluster: gatewayRedis ? { redis: gatewayRedis, keyPrefix: config.redisKeyPrefix, instanceId: config.instanceId } : undefined,
            onDispatch: (shardId, payload, sessionId): Promise<void> => events.dispatch(shardId, payload, sessionId),
            onPreflight: async (application, enabled) => {
              router = buildRouter(discord!.api, enabled);
              try {
                const result = await registerCommands({
                  api: discord!.api,
                  applicationId: application.id,
                  modules: enabled,
                  repository: new CommandRegistrationRepository(database.db),
                  developmentGuildId: config.discordDevGuildId,
                });
                discordLogger.info(result, result.registered ? 'slash commands registered' : 'slash commands unchanged; not registered again');
              } catch (error) {
                if (error instanceof InvalidCommandSetError) throw new FatalStartError(`the slash commands are invalid: ${error.message}`);
                discordLogger.error({ err: error }, 'could not register slash commands; the next start tries again');
              }
            },
            onTransition: (shardId, _from, to) => {
              metrics.setGatewayState(shardId, to.status);
              metrics.setGatewayConnected(discord?.status().connected ?? false);
            },
          });
    // With several instances Discord's REST limits belong to the token as a whole, so they are shared through Redis (docs/rest-limits.md).
    const sharedRestLimits =
      discord && config.redisUrl && config.discordToken
        ? new SharedRestLimits(new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }), { botToken: config.discordToken, keyPrefix: config.redisKeyPrefix, metrics, logger: discordLogger, quitOnClose: true })
        : undefined;
    if (discord && sharedRestLimits) discord.rest.sharedLimits = sharedRestLimits;
    const guardrails = discord
      ? new RestGuardrails(discord.rest, {
          metrics,
          sharedInvalidRequests: sharedRestLimits?.invalidRequests,
          onTrip: (change) =>
            discordLogger.error({ alert: 'discord_invalid_request_breaker', ...change }, 'too many invalid Discord requests: only essential calls go out now'),
          onClose: (change) => discordLogger.warn(change, 'invalid Discord requests back under control: all calls go out again'),
        })
      : undefined;
    if (discord && guardrails) discord.rest.guardrails = guardrails;
    metrics.beforeScrape(() => {
      const status = discord?.status();
      if (!status) return;
      metrics.setShardsOwned(status.shards.length);
      for (const shard of status.shards) if (shard.latencyMs !== null) metrics.setGatewayLatency(shard.id, shard.latencyMs / 1000);
    });

    // Dashboard sign-in: sessions, "Sign in with Discord" (with the Discord OAuth client of account linking), and their cleanup.
    const dashboardAuth = createDashboardAuth({
      db: database.db,
      encryptionKey: keys.keys[0]!.key,
      discordClient: config.linking.providers.discord,
      discordApiUrl: config.discordApiUrl,
      publicUrl: config.publicUrl,
      sessionTtlMs: config.linking.sessionTtlMs,
      oauthSessions: linking.sessions,
      api: () => discord?.api,
      botGuildIds: () => discord?.guildIds() ?? new Set<string>(),
      dashboardRoles: async (guildId) => (await guildConfigs.get(guildId)).roleMappings.dashboard,
      guilds: () => guilds.list().map((guild) => ({ id: guild.id, name: guild.name, iconUrl: guildIconUrl(guild) })),
      logger: logger.child({ component: 'dashboard' }),
    });
    for (const job of dashboardAuth.jobs) scheduler.register(job);

    const http = await createHttpServer({
      logger,
      version: SWITCHBOARD_VERSION,
      startedAt,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      rateLimits: { perIpPerMinute: config.ipRateLimitPerMinute, perTokenPerMinute: config.apiRateLimitPerMinute },
      rateLimiter,
      tokens,
      jobs,
      readinessChecks: [
        { name: 'database', check: () => database.ping() },
        ...(discord ? [{ name: 'gateway', check: async () => gatewayReadiness(botStatus()) }] : []),
      ],
      bot: {
        status: botStatus,
        start: async () => {
          if (!discord) throw new Error(NO_DISCORD_CONNECTION);
          await discord.start();
        },
        stop: async () => discord?.stop(),
      },
      publicUrl: config.publicUrl,
      metrics,
      guildConfigs,
      linking: { flow: linking.flow, stats: () => linking.stats() },
      streams: {
        list: (guildId) => streams.service.list(guildId),
        subscribe: (input) => streams.service.subscribe(input),
        unsubscribe: (guildId, id) => streams.service.unsubscribe(guildId, id),
        receiver: streams.receiver,
      },
      meetings: meetings.routes,
      guilds,
      members: new MemberNames(() => discord?.api),
      statusHistory,
      guildStats: {
        ticketsPerDay: (guildId, days, now) => ticketStats.openedAndClosedPerDay(guildId, days, now),
        pastSessions: (guildId, since, now, limit) => sessionStats.pastAnswerCounts(guildId, since, now, limit),
      },
      ...(config.dashboardDir ? { dashboardDir: config.dashboardDir } : {}),
      dashboardAuth: dashboardAuth.routes,
      apps,
      messenger: broker.messenger,
      tickets: tickets.services,
      attendance: {
        service: attendance.service,
        calendarKey: attendance.calendarKey,
        onChange: attendance.onChange,
      },
      appSessions: {
        resolveChannel: (app, target) => broker.messenger.resolveChannel(app, target),
        create: async (input) => {
          const result = await attendance.service.create(input);
          if (result.ok) await attendance.onChange({ kind: 'created', result });
          return result;
        },
        messageOf: async (guildId, sessionId) => (await attendance.service.get({ guildId, sessionId }))?.messageId ?? null,
      },
      deliveries: broker.deliveries,
      checkCallbackUrl: async (url) => {
        const verdict = await checkCallbackUrl(url, config.appCallbacks);
        return verdict.ok ? { ok: true } : verdict;
      },
      appTokens: async (hash) => {
        const appId = await appRepository.findIdByTokenHash(hash);
        return appId ? { appId } : undefined;
      },
    });

    const limiter = rateLimiter;
    let stopping: Promise<void> | undefined;
    return {
      config,
      database,
      http,
      scheduler,
      discord,
      linking,
      async start() {
        await guildConfigs.start();
        await scheduler.start();
        await broker.start();
        statusHistory.start();
        sharedRestLimits?.start();
        await discord?.start();
        const address = await http.listen({ host: config.host, port: config.port });
        logger.info({ address, version: SWITCHBOARD_VERSION }, 'switchboard is listening');
        return address;
      },
      stop() {
        stopping ??= (async () => {
          logger.info('shutting down: no new requests, finishing work in flight');
          await http.close();
          await router?.drain(2_000);
          await discord?.close();
          gatewayRedis?.disconnect();
          guardrails?.detach();
          for (const module of modules) await module.stop?.();
          await broker.stop();
          statusHistory.stop();
          await scheduler.stop(Math.max(100, config.shutdownTimeoutMs - 2_000));
          await limiter.close();
          // After the modules and the broker, whose last calls to Discord still use it.
          await sharedRestLimits?.close();
          await guildConfigs.stop();
          // Refused OAuth callbacks counted in memory are written before the database closes.
          await linking.sessions.flushRefusals().catch((error: unknown) => logger.warn({ err: error }, 'could not write the counts of refused OAuth callbacks'));
          await database.close();
          logger.info('shutdown complete');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await rateLimiter?.close();
    await database.close();
    throw error;
  }
}
