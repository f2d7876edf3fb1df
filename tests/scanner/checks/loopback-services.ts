import { readdirSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { Worker } from 'node:worker_threads';

/**
 * Local stand-ins for the network the scanner checks probe: listeners, closed ports and a port that
 * never answers, all on loopback (SPEC §3: tests touch nothing else).
 */

export const LOOPBACK = '127.0.0.1';

const connections = new WeakMap<Server, Set<Socket>>();

export async function listen(server: Server, host = LOOPBACK): Promise<number> {
  const open = new Set<Socket>();
  connections.set(server, open);
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ port: 0, host }, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Closes the server and every connection it still has (hostile test servers do not end their own). */
export async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  connections.get(server)?.forEach((socket) => socket.destroy());
  await closed;
}

/** Ports nothing listens on: taken from the kernel, then released (the kernel answers them with a reset). */
export async function closedPorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(servers.map((server) => listen(server)));
  await Promise.all(servers.map(close));
  return ports;
}

/**
 * A port whose SYNs go unanswered, as behind a dropping firewall. Loopback drops nothing, but Linux
 * drops a SYN when the listener's accept queue is full: a worker thread listens with a backlog of 1 and
 * then blocks its event loop so it never accepts, and two connections fill the queue.
 */
export async function startSilentPort(): Promise<{ port: number; stop: () => Promise<void> }> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '${LOOPBACK}', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(workerData.release, 0, 0);
       server.close();
     });`,
    { eval: true, workerData: { release } },
  );
  const port = await new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  const fillers = Array.from({ length: 3 }, () => new Socket().on('error', () => {}).connect({ port, host: LOOPBACK }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    port,
    stop: async () => {
      for (const filler of fillers) filler.destroy();
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await worker.terminate();
    },
  };
}

/** Open file descriptors of this process: sockets left behind show up here. */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}
