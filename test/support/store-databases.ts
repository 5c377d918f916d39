import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { startStoreServer, type RunningStoreServer, type StoreServerOptions } from '../../server/http/start-server';
import { startPostgres, type PostgresCluster } from './postgres-cluster';

/**
 * The store server's tests run twice, unchanged: against a real PostgreSQL cluster started
 * here (Debian's binaries, a temporary directory) and against the embedded PGlite. Each
 * call of `storeServer()` is a server on a fresh database of that kind.
 */

export type StoreDatabaseKind = 'postgres' | 'pglite';
export const STORE_DATABASE_KINDS: readonly StoreDatabaseKind[] = ['postgres', 'pglite'];

let cluster: Promise<PostgresCluster> | undefined;
let databases = 0;
const cleanups: Array<() => Promise<void>> = [];

/** One cluster per test file, started on first use, stopped after the file's tests. */
export function sharedCluster(): Promise<PostgresCluster> {
  cluster ??= startPostgres();
  return cluster;
}

after(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  if (cluster) await (await cluster).stop();
});

export interface TestStoreServer extends RunningStoreServer {
  dir: string;
  kind: StoreDatabaseKind;
}

export async function storeServer(kind: StoreDatabaseKind, options: Pick<StoreServerOptions, 'now' | 'events' | 'staleAfterMs'> = {}): Promise<TestStoreServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-store-server-'));
  const databaseUrl = kind === 'postgres' ? await (await sharedCluster()).createDatabase(`store_${process.pid}_${++databases}`) : undefined;
  const server = await startStoreServer({ listen: '127.0.0.1:0', databaseUrl, dataDir: dir, log: () => undefined, ...options });
  const running: TestStoreServer = { ...server, dir, kind };
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return running;
}

/** describe() body helper: a server of `kind` for the whole group. */
export function serverFor(kind: StoreDatabaseKind): () => TestStoreServer {
  let server: TestStoreServer | undefined;
  before(async () => {
    server = await storeServer(kind);
  });
  return () => {
    if (!server) throw new Error('the store server is not started yet');
    return server;
  };
}
