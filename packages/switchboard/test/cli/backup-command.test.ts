import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { ConnectionStore } from '../../src/modules/linking/connection-store.ts';
import { generateEncryptionKey, SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import { ConnectionRepository } from '../../src/storage/connection-repository.ts';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { runPgTool } from '../../src/storage/database-backup.ts';
import { pendingMigrations, runMigrations } from '../../src/storage/migrator.ts';
import { TicketRepository } from '../../src/storage/ticket-repository.ts';
import { ticket } from '../modules/tickets/ticket-fixtures.ts';
import { runCli, runCliAsync, tempFolder } from '../support/cli.ts';
import { postgresAvailability } from '../support/services.ts';

const KEY = generateEncryptionKey('backup-key');
const line = (key: EncryptionKey) => `${key.id}:${key.key.toString('base64')}`;
const ENV = { ENCRYPTION_KEYS: line(KEY) };
const MEMBER = '100000000000000001';

async function registerApp(database: Database, id: string): Promise<string> {
  const registered = await new AppRegistry(new AppRepository(database.db), new SecretBox([KEY])).register({
    id, name: id, callbackUrl: 'https://example.org/hook', events: [], guilds: ['111111111111111111'], subscribedChannels: [], channels: {},
  });
  assert.ok(registered.ok);
  return registered.signingSecret;
}

async function createTicket(database: Database, guildId: string): Promise<number> {
  return new TicketRepository(database.db).transaction(async (tickets) => {
    const number = await tickets.allocateNumber(guildId);
    await tickets.insert(ticket({ id: `${guildId}-${number}`, guildId, number }));
    return number;
  });
}

const connections = (database: Database) => new ConnectionStore(new ConnectionRepository(database.db), new SecretBox([KEY]));

async function ticketNumbers(database: Database, guildId: string): Promise<number[]> {
  const rows = await database.db.selectFrom('tickets').select('number').where('guild_id', '=', guildId).orderBy('number').execute();
  return rows.map((row) => Number(row.number));
}

describe('switchboard backup: SQLite, and the documented restore', () => {
  it('backs up while a writer keeps writing; restoring by the documented steps brings back rows and sealed secrets', async () => {
    const cwd = tempFolder();
    const databaseFile = path.join(cwd, 'data', 'switchboard.db');
    assert.equal(runCli(['migrate'], { cwd, env: ENV }).code, 0);
    const hub = openDatabase(`sqlite:${databaseFile}`);
    const secret = await registerApp(hub, 'app-1');
    for (let i = 0; i < 20; i++) await createTicket(hub, 'guild-a');
    await connections(hub).save({
      discordUserId: MEMBER, platform: 'twitch', platformUserId: 'tw-1', platformUsername: 'streamer',
      tokens: { accessToken: 'access-token-1', refreshToken: 'refresh-token-1', expiresAt: null, scopes: ['user:read:email'] },
    });

    // A second connection keeps creating tickets during the whole backup, as a running hub would.
    const writer = openDatabase(`sqlite:${databaseFile}`);
    let writing = true;
    let written = 0;
    const writing$ = (async () => {
      while (writing) {
        await createTicket(writer, 'guild-busy');
        written++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    while (written < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const backupFile = path.join(cwd, 'backups', 'nightly.sqlite');
    const backedUp = await runCliAsync(['backup', '--out', backupFile], { cwd, env: ENV });
    const writtenDuringBackup = written;
    writing = false;
    await writing$;
    assert.equal(backedUp.code, 0, backedUp.stderr);
    assert.match(backedUp.stdout, /copied 100%/);
    assert.match(backedUp.stdout, /Integrity check of the copy: ok/);
    assert.match(backedUp.stdout, /Migration level: \d+ applied, latest \d{4}-/);
    assert.match(backedUp.stdout, new RegExp(`Backup written: ${backupFile.replaceAll('.', '\\.')}`));
    assert.ok(writtenDuringBackup > 20, 'the writer kept writing while the backup ran');

    // Changes after the backup, which the restore must take back.
    await registerApp(hub, 'app-after-backup');
    await writer.close();
    await hub.close();

    // The documented restore: stop the hub, set the database and its -wal/-shm aside, copy the backup in, migrate, doctor.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databaseFile}${suffix}`, { force: true });
    copyFileSync(backupFile, databaseFile);
    const migrated = runCli(['migrate'], { cwd, env: ENV });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Up to date/);
    const doctor = runCli(['doctor'], { cwd, env: ENV });
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /PASS\s+Migrations/);
    assert.match(doctor.stdout, /PASS\s+Encryption keys\s+.*every stored secret names a configured key/);

    const restored = openDatabase(`sqlite:${databaseFile}`);
    try {
      const registry = new AppRegistry(new AppRepository(restored.db), new SecretBox([KEY]));
      assert.deepEqual(registry.signingSecrets((await registry.get('app-1'))!), [secret], 'the sealed signing secret opens with the key');
      assert.equal(await registry.get('app-after-backup'), undefined, 'the database is the backup, not what came after');
      assert.deepEqual(await ticketNumbers(restored, 'guild-a'), Array.from({ length: 20 }, (_, i) => i + 1));
      const busy = await ticketNumbers(restored, 'guild-busy');
      assert.ok(busy.length >= 20 && busy.length <= written, `${busy.length} busy tickets, ${written} written`);
      assert.deepEqual(busy, Array.from({ length: busy.length }, (_, i) => i + 1), 'a consistent snapshot: no gap');
      const connection = await connections(restored).get(MEMBER, 'twitch');
      assert.equal(connection?.accessToken, 'access-token-1');
      assert.equal(connection?.refreshToken, 'refresh-token-1');
    } finally {
      await restored.close();
    }
  });

  it('never overwrites a file, and says so; a missing database is an error too', () => {
    const cwd = tempFolder();
    runCli(['migrate'], { cwd });
    const taken = path.join(cwd, 'taken.sqlite');
    writeFileSync(taken, 'keep me');
    const refused = runCli(['backup', '--out', taken], { cwd });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /taken\.sqlite already exists: a backup never overwrites a file/);
    assert.equal(readFileSync(taken, 'utf8'), 'keep me');

    const missing = runCli(['backup'], { cwd, env: { DATABASE_URL: 'sqlite:./nowhere/none.db' } });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no database at \.\/nowhere\/none\.db/);
    assert.equal(existsSync(path.join(cwd, 'nowhere', 'none.db')), false, 'no empty database was created');

    writeFileSync(path.join(cwd, 'data', 'encryption-keys'), `${line(KEY)}\n`, { mode: 0o600 });
    const defaulted = runCli(['backup'], { cwd });
    assert.equal(defaulted.code, 0, defaulted.stderr);
    assert.match(defaulted.stdout, /Backup written: .*data\/backups\/switchboard-\d{8}T\d{6}Z\.sqlite/);
    assert.match(defaulted.stdout, /Keep a copy of the key file .*encryption-keys/);
  });
});

const postgres = await postgresAvailability();
const tools = ['pg_dump', 'pg_restore'].filter((tool) => spawnSync('which', [tool]).status !== 0);
const postgresSkip = !postgres.available ? postgres.reason : tools.length > 0 ? `${tools.join(' and ')} not on PATH (install the PostgreSQL client tools)` : false;

describe('switchboard backup: PostgreSQL', { skip: postgresSkip }, () => {
  const schema = `t_backup_${randomBytes(5).toString('hex')}`;
  const restoreDatabase = `switchboard_restore_${randomBytes(5).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: postgres.url });
  const withSchema = (url: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const restoreUrl = () => {
    const url = new URL(postgres.url);
    url.pathname = `/${restoreDatabase}`;
    return url.href;
  };
  after(async () => {
    const client = admin();
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`drop database if exists ${restoreDatabase}`);
    await client.end();
  });

  it('prints the pg_dump recipe without the password', () => {
    const result = runCli(['backup'], { cwd: tempFolder(), env: { ...ENV, DATABASE_URL: 'postgres://switchboard:s3cret-pw@db.example:5433/hub' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /pg_dump --format=custom --no-owner --host=db\.example --port=5433 --username=switchboard --dbname=hub --file=backups\/switchboard-\d{8}T\d{6}Z\.dump/);
    assert.match(result.stdout, /pg_restore --no-owner --clean --if-exists/);
    assert.match(result.stdout, /set PGPASSWORD/);
    assert.ok(!result.stdout.includes('s3cret-pw') && !result.stderr.includes('s3cret-pw'));
  });

  it('--run dumps the schema; pg_restore into another database brings back the rows and sealed secrets', async () => {
    const client = admin();
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    const source = openDatabase(postgres.url, { schema });
    let secret: string;
    try {
      await runMigrations(source);
      secret = await registerApp(source, 'app-1');
      await createTicket(source, 'guild-a');
    } finally {
      await source.close();
    }

    const cwd = tempFolder();
    const dump = path.join(cwd, 'hub.dump');
    const result = await runCliAsync(['backup', '--run', '--out', dump], { cwd, env: { ...ENV, DATABASE_URL: withSchema(postgres.url) } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`--schema=${schema}`));
    assert.match(result.stdout, /Archive checked with pg_restore --list: \d+ entries/);
    const again = await runCliAsync(['backup', '--run', '--out', dump], { cwd, env: { ...ENV, DATABASE_URL: withSchema(postgres.url) } });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);

    const creator = admin();
    await creator.connect();
    await creator.query(`create database ${restoreDatabase}`);
    await creator.end();
    await runPgTool('pg_restore', ['--no-owner', `--dbname=${restoreUrl()}`, dump], {});
    const migrated = runCli(['migrate'], { cwd, env: { ...ENV, DATABASE_URL: withSchema(restoreUrl()) } });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Up to date/);

    const restored = openDatabase(restoreUrl(), { schema });
    try {
      assert.deepEqual(await pendingMigrations(restored), []);
      const registry = new AppRegistry(new AppRepository(restored.db), new SecretBox([KEY]));
      assert.deepEqual(registry.signingSecrets((await registry.get('app-1'))!), [secret]);
      assert.deepEqual(await ticketNumbers(restored, 'guild-a'), [1]);
    } finally {
      await restored.close();
    }
  });
});
