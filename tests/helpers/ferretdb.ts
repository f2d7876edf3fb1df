import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export const LAUNCHER = path.resolve(__dirname, '../../deploy/ferretdb/bin/vigil-ferretdb');

export interface RunningFerretDb {
  uri: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts our FerretDB launcher and resolves on its ready line. */
export function startFerretDb(args: string[]): Promise<RunningFerretDb> {
  const child = spawn(LAUNCHER, [...args, '--listen-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`FerretDB did not become ready: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited with ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const ready = JSON.parse(line) as { uri: string };
      resolve({
        uri: ready.uri,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
