import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL cluster for tests: Debian's postgresql-15 binaries, initdb on a
 * temporary directory, a loopback port and a private socket directory, stopped (and the
 * directory removed) at the end. PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` user (runuser), as the Debian package sets it up.
 */

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

export function postgresBin(): string | null {
  return BIN_DIRS.find((dir) => fs.existsSync(path.join(dir, 'initdb'))) ?? null;
}

export interface PostgresCluster {
  port: number;
  /** A URL for a database of this cluster (created by createDatabase). */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** pg_ctl stop -m fast / start: for tests that take the database away and bring it back. */
  stopServer(): void;
  startServer(): void;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (bin === null) throw new Error('PostgreSQL binaries not found (apt-get install postgresql-15; scripts/system-deps.sh installs it as root)');
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-pg-'));
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sockets');
  fs.mkdirSync(sockets);
  if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  fs.chmodSync(dir, 0o755);
  const run = (tool: string, args: string[]) => {
    const command = root ? 'runuser' : path.join(bin, tool);
    const argv = root ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'till', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB`;
  const startServer = () => run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  const stopServer = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  startServer();
  const url = (database: string) => `postgres://till@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    port,
    url,
    async createDatabase(name) {
      run('psql', ['-h', sockets, '-p', String(port), '-U', 'till', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`]);
      return url(name);
    },
    startServer: () => void startServer(),
    stopServer: () => void stopServer(),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        stopServer();
      } catch {
        // Already stopped by the test: nothing to do.
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
