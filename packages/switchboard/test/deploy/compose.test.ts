/**
 * deploy/compose.yaml, deploy/compose.cluster.yaml and the Prometheus and Grafana files they mount,
 * linted against the repository (no container engine here): every service can be built or pulled,
 * every dependency and mount resolves, the hub gets every variable it requires, the monitoring stack
 * stays behind its profile, and Prometheus scrapes the port the hub listens on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { environmentVariables, type EnvironmentVariable } from '../../src/config/environment.ts';
import { commands } from '../../src/cli/cli-main.ts';
import { parseDockerignore, isExcluded } from './dockerignore.ts';
import { DEPLOY_DIR, deployPath, isReset, readYaml, repoPath } from './deploy-paths.ts';

type DependsOn = string[] | Record<string, { condition?: string }>;
type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  env_file?: string | string[];
  environment?: Record<string, string | null> | string[];
  depends_on?: DependsOn;
  profiles?: string[];
  ports?: unknown;
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
};
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const COMPOSE = 'compose.yaml';
const CLUSTER = 'compose.cluster.yaml';
const MONITORING = ['prometheus', 'grafana'];
const HUB = 'switchboard';

const base = readYaml(deployPath(COMPOSE)) as ComposeFile;
const cluster = readYaml(deployPath(CLUSTER)) as ComposeFile;
const deployDoc = readFileSync(repoPath('docs/deploy.md'), 'utf8');

/** Compose resolves relative paths against the first file's folder: deploy/. */
const fromDeploy = (relative: string) => path.resolve(DEPLOY_DIR, relative);
const environmentOf = (service: Service): Record<string, string | null> =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')]))
    : (service.environment ?? {});
const dependenciesOf = (service: Service): Record<string, string | undefined> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((name) => [name, undefined]))
    : Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([name, spec]) => [name, spec.condition]));
/** `./host:/container[:ro]` bind mounts (named volumes have no slash before the colon). */
const bindMounts = (service: Service) =>
  (service.volumes ?? [])
    .map((volume) => volume.split(':'))
    .filter(([host]) => host?.startsWith('.') || host?.startsWith('/'))
    .map(([host = '', container = '']) => ({ host: fromDeploy(host), container }));
/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` in a compose file. */
const interpolated = (text: string) => [...text.matchAll(/\$\{([A-Za-z_]\w*)(:?[-?][^}]*)?\}/g)].map((m) => ({ name: m[1] ?? '', modifier: m[2] ?? '' }));

/** Variables the hub's own table says are required (in some setup). */
const requiredVariables = (Object.entries(environmentVariables) as [string, EnvironmentVariable][])
  .filter(([, spec]) => /\brequired\b/i.test(spec.description))
  .map(([name]) => name);

for (const [file, compose] of [[COMPOSE, base], [CLUSTER, cluster]] as const) {
  describe(`deploy/${file}`, () => {
    const all = { ...base.services, ...cluster.services };

    it('gives every service an image with a pinned tag, or a build whose Dockerfile exists', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        const merged = { ...base.services[name], ...service };
        assert.ok(merged.image || merged.build, `${name} needs an image or a build`);
        if (merged.image && !merged.build) {
          const tag = /:([\w][\w.-]*)$/.exec(merged.image)?.[1];
          assert.ok(tag && tag !== 'latest', `${name}: ${merged.image} needs a pinned tag other than latest`);
        }
        if (service.build) {
          const build = typeof service.build === 'string' ? { context: service.build } : service.build;
          const context = fromDeploy(build.context ?? '.');
          const dockerfile = path.resolve(context, build.dockerfile ?? 'Dockerfile');
          assert.ok(existsSync(dockerfile), `${name}: the Dockerfile ${dockerfile} does not exist`);
          assert.equal(context, repoPath('.').replace(/\/$/, ''), `${name}: build from the repository root, where .dockerignore is`);
        }
      }
    });

    it('depends only on services that exist, waiting for them to be ready', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
          assert.ok(all[dependency], `${name} depends on ${dependency}, which is no service`);
          if (condition === 'service_healthy') {
            const target = { ...base.services[dependency], ...cluster.services[dependency] };
            const healthy = target.healthcheck?.test !== undefined || (target.build !== undefined && !target.healthcheck?.disable);
            assert.ok(healthy, `${name} waits for ${dependency} to be healthy, but ${dependency} has no health check`);
          }
        }
      }
    });

    it('mounts only host paths that exist', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        for (const mount of bindMounts(service)) assert.ok(existsSync(mount.host), `${name} mounts ${mount.host}, which does not exist`);
        for (const volume of service.volumes ?? []) {
          const source = volume.split(':')[0] ?? '';
          if (!source.startsWith('.') && !source.startsWith('/')) assert.ok(base.volumes && source in base.volumes, `${name} uses the volume ${source}, which is not declared`);
        }
      }
    });

    it('takes every interpolated variable from .env, and docs/deploy.md names each one', () => {
      const text = readFileSync(deployPath(file), 'utf8');
      for (const { name } of interpolated(text)) assert.match(deployDoc, new RegExp(`\`${name}\``), `${file} reads \${${name}}: docs/deploy.md must say to set it in .env`);
      // A variable listed without a value is passed on from the environment compose runs in (and --env-file).
      for (const [name, service] of Object.entries(compose.services)) {
        for (const [variable, value] of Object.entries(environmentOf(service))) {
          if (value === null) assert.match(deployDoc, new RegExp(`\`${variable}\``), `${name} passes ${variable} on from .env: docs/deploy.md must say so`);
        }
      }
      for (const [name, service] of Object.entries(compose.services)) {
        for (const [variable, value] of Object.entries(environmentOf(service))) {
          const secret = /PASSWORD|SECRET|TOKEN|KEYS?$/.test(variable) || /^[a-z]+:\/\/[^/@]*:[^/@]*@/.test(value ?? '');
          if (secret && value !== null) assert.match(value, /\$\{\w+(:\?[^}]*)?\}/, `${name}: ${variable} holds a secret: take it from .env with \${NAME:?…}, without a default`);
        }
      }
    });
  });
}

describe('deploy/compose.yaml: the hub', () => {
  const hub = base.services[HUB]!;
  const env = environmentOf(hub);

  it('gets every variable the hub requires, from .env with a message naming it when missing', () => {
    assert.deepEqual(requiredVariables.toSorted(), ['DISCORD_TOKEN', 'ENCRYPTION_KEYS'], 'environment.ts changed which variables are required: update compose.yaml and docs/deploy.md');
    for (const name of requiredVariables) {
      const value = env[name] ?? '';
      assert.ok(value !== '', `${HUB} needs ${name} in its environment`);
      for (const { name: from, modifier } of interpolated(value)) assert.ok(modifier.startsWith(':?'), `${name}: \${${from}} should be \${${from}:?…}, so that compose names it when .env lacks it`);
      assert.match(deployDoc, new RegExp(`\`${name}\``), `docs/deploy.md must list ${name} among the .env variables`);
    }
  });

  it('passes the repository .env on, which .dockerignore keeps out of the image', () => {
    for (const name of ['migrate', HUB]) {
      const files = [base.services[name]?.env_file ?? []].flat();
      assert.deepEqual(files.map(fromDeploy), [repoPath('.env')], `${name} reads the repository's .env`);
    }
    assert.ok(isExcluded(parseDockerignore(readFileSync(repoPath('.dockerignore'), 'utf8')), '.env'));
  });

  it('uses PostgreSQL and Redis from this file, on all addresses of the container', () => {
    for (const name of ['migrate', HUB]) {
      const url = new URL(environmentOf(base.services[name]!).DATABASE_URL?.replace(/\$\{[^}]*\}/g, 'x') ?? 'missing:');
      assert.equal(url.protocol, 'postgres:', `${name}: DATABASE_URL must be PostgreSQL (several instances share it)`);
      assert.ok(base.services[url.hostname], `${name}: DATABASE_URL names the host ${url.hostname}, which is no service`);
      assert.ok(dependenciesOf(base.services[name]!)[url.hostname] === 'service_healthy', `${name} must wait for ${url.hostname} to be healthy`);
    }
    const redis = new URL(env.REDIS_URL ?? 'missing:');
    assert.equal(redis.protocol, 'redis:');
    assert.ok(base.services[redis.hostname], `REDIS_URL names the host ${redis.hostname}, which is no service`);
    assert.equal(env.HOST, '0.0.0.0');
    assert.match(env.PORT ?? '', /^\d+$/);
  });

  it('starts only after the one-shot migrate service has succeeded', () => {
    const migrate = base.services.migrate!;
    assert.deepEqual(migrate.command, ['migrate']);
    assert.ok(commands.some((c) => c.name === 'migrate'));
    assert.equal(dependenciesOf(hub).migrate, 'service_completed_successfully');
    assert.equal(migrate.image, hub.image, 'migrate runs the image the hub runs');
  });

  it('publishes its port on this machine only', () => {
    assert.deepEqual(hub.ports, [`127.0.0.1:${env.PORT}:${env.PORT}`]);
  });
});

describe('deploy/compose.yaml: profiles', () => {
  it('puts Prometheus and Grafana in the monitoring profile and nothing else there', () => {
    for (const [name, service] of Object.entries(base.services)) {
      if (MONITORING.includes(name)) assert.deepEqual(service.profiles, ['monitoring'], `${name} belongs to the monitoring profile`);
      else assert.equal(service.profiles, undefined, `${name} must start without a profile`);
    }
  });
});

describe('deploy/compose.cluster.yaml', () => {
  it('lets the hub scale: no fixed host port, a load balancer instead, behind which the client address is trusted', () => {
    const hub = cluster.services[HUB]!;
    assert.ok(isReset(hub.ports), 'the hub must drop its published port (ports: !reset []), or a second instance cannot start');
    assert.equal(environmentOf(hub).TRUST_PROXY, 'true');
    const published = Object.entries(cluster.services).filter(([, s]) => Array.isArray(s.ports) && s.ports.length > 0);
    assert.equal(published.length, 1, 'one service, the load balancer, publishes the port');
    const [, proxy] = published[0]!;
    assert.equal(dependenciesOf(proxy)[HUB], 'service_healthy');
    const caddyfile = bindMounts(proxy).find((m) => m.container === '/etc/caddy/Caddyfile');
    assert.ok(caddyfile, 'the load balancer mounts its Caddyfile');
    const text = readFileSync(caddyfile.host, 'utf8');
    assert.match(text, new RegExp(`name ${HUB}\\b`), 'the Caddyfile finds the instances by the service name');
    assert.match(text, new RegExp(`port ${environmentOf(base.services[HUB]!).PORT}\\b`), "the Caddyfile proxies to the hub's PORT");
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  const prometheus = base.services.prometheus!;
  const configMount = bindMounts(prometheus).find((m) => m.container === '/etc/prometheus/prometheus.yml');
  type ScrapeConfig = { job_name: string; metrics_path?: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] };
  const config = readYaml(deployPath('prometheus/prometheus.yml')) as { rule_files?: string[]; scrape_configs?: ScrapeConfig[] };

  it('is the file compose mounts as the configuration', () => {
    assert.equal(configMount?.host, deployPath('prometheus/prometheus.yml'));
  });

  it('loads the shipped alert rules, mounted next to it', () => {
    const ruleFiles = config.rule_files ?? [];
    assert.ok(ruleFiles.some((f) => path.basename(f) === 'alerts.yml'), 'rule_files must name alerts.yml');
    for (const ruleFile of ruleFiles) {
      const inContainer = path.posix.resolve('/etc/prometheus', ruleFile);
      const mount = bindMounts(prometheus).find((m) => m.container === inContainer);
      assert.ok(mount, `rule file ${inContainer} is not mounted into the prometheus service`);
      assert.ok(existsSync(mount.host) && statSync(mount.host).isFile(), `${mount.host} does not exist`);
    }
  });

  it("scrapes every instance of the hub service on the hub's PORT at /metrics", () => {
    const job = config.scrape_configs?.find((c) => c.job_name === HUB);
    assert.ok(job, 'a scrape job named switchboard');
    assert.equal(job.metrics_path ?? '/metrics', '/metrics');
    const port = Number(environmentOf(base.services[HUB]!).PORT);
    const targets = [
      ...(job.static_configs ?? []).flatMap((s) => s.targets),
      ...(job.dns_sd_configs ?? []).flatMap((d) => d.names.map((name) => `${name}:${d.port}`)),
    ];
    assert.ok(targets.length > 0, 'the job has no targets');
    for (const target of targets) {
      const [host, targetPort] = target.split(':');
      assert.ok(base.services[host ?? ''], `scrape target ${target} is no compose service`);
      assert.equal(Number(targetPort), port, `scrape target ${target}: the hub listens on ${port}`);
    }
    assert.ok(job.dns_sd_configs?.every((d) => d.type === 'A'), 'DNS service discovery with A records finds every scaled instance');
  });
});

describe('deploy/grafana provisioning', () => {
  const grafana = base.services.grafana!;
  const provisioning = bindMounts(grafana).find((m) => m.container === '/etc/grafana/provisioning');
  type Datasource = { uid: string; type: string; url: string };
  type Provider = { type: string; options: { path: string } };

  it('mounts the provisioning folder with a data source and a dashboard provider', () => {
    assert.equal(provisioning?.host, deployPath('grafana/provisioning'));
    assert.ok(existsSync(deployPath('grafana/provisioning/datasources/prometheus.yaml')));
    assert.ok(existsSync(deployPath('grafana/provisioning/dashboards/switchboard.yaml')));
  });

  it('points the data source at the Prometheus service', () => {
    const { datasources } = readYaml(deployPath('grafana/provisioning/datasources/prometheus.yaml')) as { datasources: Datasource[] };
    const source = datasources.find((d) => d.type === 'prometheus');
    assert.ok(source, 'a prometheus data source');
    const url = new URL(source.url);
    assert.ok(base.services[url.hostname], `the data source names ${url.hostname}, which is no service`);
    assert.equal(url.port, '9090', "Prometheus's port in its container");
  });

  it('loads dashboards from a folder compose mounts with switchboard.json in it', () => {
    const { providers } = readYaml(deployPath('grafana/provisioning/dashboards/switchboard.yaml')) as { providers: Provider[] };
    assert.ok(providers.length > 0);
    for (const provider of providers) {
      assert.equal(provider.type, 'file');
      const mount = bindMounts(grafana).find((m) => m.container === provider.options.path);
      assert.ok(mount, `the provider reads ${provider.options.path}, which compose does not mount`);
      assert.ok(existsSync(path.join(mount.host, 'switchboard.json')), `${mount.host} has no switchboard.json`);
    }
  });
});
