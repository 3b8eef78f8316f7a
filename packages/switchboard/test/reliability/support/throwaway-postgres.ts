/**
 * A PostgreSQL server of the test's own, in a temporary folder on a free port, that the test may stop and start
 * at will — never the machine's shared one. It runs as the `postgres` user (initdb refuses root); a missing
 * initdb skips the test outside CI and fails it under CI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/cli.ts';
import { runningInCi } from '../../support/services.ts';

export type ThrowawayPostgres = { url: string; start(): void; stop(): void; remove(): void };

const BIN_DIRS = ['/usr/local/bin', '/usr/bin', ...['18', '17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin`)];

function binary(name: string): string | undefined {
  return BIN_DIRS.map((dir) => path.join(dir, name)).find((file) => existsSync(file));
}

function idOf(database: 'passwd' | 'group', name: string): number | undefined {
  const result = spawnSync('getent', [database, name], { encoding: 'utf8' });
  const id = Number(result.stdout.split(':')[2]);
  return result.status === 0 && Number.isInteger(id) ? id : undefined;
}

/** Why a throwaway server cannot be made here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  const missing = ['initdb', 'pg_ctl'].filter((name) => !binary(name));
  let reason: string | undefined;
  if (missing.length > 0) reason = `${missing.join(' and ')} not found (install PostgreSQL's server binaries)`;
  else if (idOf('passwd', 'postgres') === undefined) reason = 'there is no postgres user to run a throwaway server as';
  else if (userInfo().uid !== 0) reason = 'a throwaway server is started as the postgres user, which needs root';
  if (reason && runningInCi) throw new Error(`CI is set and ${reason}: the PostgreSQL restart test cannot be skipped under CI`);
  return reason;
}

function run(args: string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-pg-'));
  chmodSync(folder, 0o700);
  chownSync(folder, idOf('passwd', 'postgres')!, idOf('group', 'postgres') ?? 0);
  const data = path.join(folder, 'data');
  const port = await freePort();
  run([binary('initdb')!, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const pgCtl = binary('pg_ctl')!;
  const server: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run([pgCtl, '-D', data, '-o', `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`, '-l', path.join(folder, 'log'), '-w', 'start']),
    stop: () => run([pgCtl, '-D', data, '-m', 'fast', '-w', 'stop']),
    remove: () => {
      spawnSync('runuser', ['-u', 'postgres', '--', pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop'], { timeout: 30_000 });
      rmSync(folder, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}
