import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { Aedes, type AedesOptions } from 'aedes';
import { silentLogger, type Logger } from '../../shared/logger.js';

const require = createRequire(import.meta.url);

export interface EmbeddedBrokerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Directory for the broker's persistence (sessions, queued QoS 1, retained, wills);
   *  absent keeps them in memory. */
  persistenceDir?: string | undefined;
  logger?: Logger;
}

/**
 * The MQTT broker built into the collector for the quick start and small sites (aedes speaks
 * MQTT 3.1.1 only). With a persistence directory, queued messages and retained state survive a
 * restart of the collector, as they do with Mosquitto's persistence.
 */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private persistenceDb: { close(): Promise<void> } | undefined;

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the embedded broker is not listening');
    // Listening on every address: clients on this machine reach it through loopback.
    const host = this.options.host ?? '127.0.0.1';
    return `mqtt://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`;
  }

  async start(): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    const aedesOptions: AedesOptions = { drainTimeout: 30_000 };
    if (this.options.persistenceDir) {
      const { Level } = await import('level');
      const db = new Level(this.options.persistenceDir);
      this.persistenceDb = db;
      const AsyncLevelPersistence = require('aedes-persistence-level/asyncPersistence.js') as new (
        db: unknown,
      ) => NonNullable<AedesOptions['persistence']>;
      aedesOptions.persistence = new AsyncLevelPersistence(db);
    }
    const aedes = await Aedes.createBroker(aedesOptions);
    this.aedes = aedes;
    aedes.on('clientError', (client, error) =>
      logger.debug({ client: client?.id, err: error.message }, 'mqtt client error'),
    );
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      aedes.handle(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    logger.info({ url: this.url }, 'embedded MQTT broker listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    const aedes = this.aedes;
    this.server = undefined;
    this.aedes = undefined;
    if (server) {
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (this.persistenceDb) {
      await this.persistenceDb.close();
      this.persistenceDb = undefined;
    }
  }
}
