import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A helper process of the bench (a server on the other core, the virtual printer), started
 * with one message; resolves with its first answer (its URL, "ready"). It ends when the
 * bench disconnects from it.
 */
export function forkBenchChild<T>(file: string, message: object): Promise<{ proc: ChildProcess; first: T }> {
  const proc = fork(path.join(__dirname, file), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    proc.once('message', (first: T) => resolve({ proc, first }));
    proc.once('exit', (code) => reject(new Error(`${file} exited ${code}`)));
    proc.send(message);
  });
}
