import { fork, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { HOST, MYSQL, PORTS } from '../settings';
import { killAndWait, portOpen, waitFor } from './processes';

/*
 * The chaos stack reaches MariaDB (shared, never stopped) through this TCP proxy, so a drill can make MySQL
 * unavailable for the stack alone: `cut` resets every open connection and stops listening (new connections are
 * refused, as from a server that is down), `restore` listens again. It runs in a child process of its own, so
 * the tool's own work (load, snapshots) never delays the stack's queries.
 */
export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly listen: { host: string; port: number },
    private readonly upstream: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.sockets) socket.resetAndDestroy();
    await closed;
  }

  private pipe(client: Socket): void {
    const upstream = createConnection(this.upstream.port, this.upstream.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined); // the other side's close ends it
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }
}

type Command = 'cut' | 'restore';

/** The parent's handle on the proxy process: cut, restore and stop, each answered once done. */
export class ProxyProcess {
  private child: ChildProcess | undefined;

  async start(): Promise<void> {
    if (await portOpen(PORTS.mysqlProxy))
      throw new Error(`port ${PORTS.mysqlProxy} is taken by another process`);
    this.child = fork(__filename, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const up = await waitFor(
      async () => ((await portOpen(PORTS.mysqlProxy)) ? true : undefined),
      10_000,
      100,
    );
    if (!up) throw new Error(`the MySQL proxy did not listen on ${PORTS.mysqlProxy}`);
  }

  cut(): Promise<void> {
    return this.send('cut');
  }

  restore(): Promise<void> {
    return this.send('restore');
  }

  async stop(): Promise<void> {
    await killAndWait(this.child?.pid, 'SIGTERM', 5000);
  }

  private send(command: Command): Promise<void> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error('the MySQL proxy is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the MySQL proxy did not ${command} in time`)), 10_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send(command);
    });
  }
}

/** The proxy process itself (forked by ProxyProcess); exits with its parent. */
if (require.main === module) {
  const proxy = new CuttableProxy({ host: HOST, port: PORTS.mysqlProxy }, MYSQL);
  const answer = () => process.send?.('done');
  process.on('message', (command: Command) => {
    void (command === 'cut' ? proxy.cut() : proxy.open()).then(answer, (error: unknown) => {
      process.stderr.write(`mysql proxy: ${command} failed: ${String(error)}\n`);
      answer();
    });
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  proxy.open().catch((error: unknown) => {
    process.stderr.write(`mysql proxy: cannot listen: ${String(error)}\n`);
    process.exit(1);
  });
}
