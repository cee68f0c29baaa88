import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../collector/api/app.js';
import type { HealthSources } from '../../collector/api/routes/healthz.js';
import { StreamHub, type StreamSettings } from '../../collector/api/stream/stream-hub.js';
import { AuthService } from '../../collector/auth/auth-service.js';
import { ROLES, type Role } from '../../collector/domain/ticket-events.js';
import type { Store } from '../../collector/store/open-store.js';
import { ContractHolder } from '../../collector/sla/contract-holder.js';
import { exampleContractFile } from '../../collector/sla/load-contract.js';
import { TicketService } from '../../collector/tickets/ticket-service.js';
import { ManualClock } from '../../shared/clock.js';
import type { StoreTarget } from './stores.js';
import { contract } from './tickets.js';

/** The user of each role in an API harness, named after the role (`engineer`, `customer`, ...). */
export type Tokens = Record<Role, string>;

export interface ApiHarness {
  store: Store;
  clock: ManualClock;
  auth: AuthService;
  tickets: TicketService;
  app: FastifyInstance;
  tokens: Tokens;
  /** `inject` as the user of a role (or with no token at all). */
  as(role: Role | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** The contract in force, kept in a file of the test's own (a copy of the example). */
  contract: ContractHolder;
  /** With `stream`: the hub, and the URL the app listens on. */
  hub: StreamHub | undefined;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * A store of the target, a manual clock on a business-hours Monday, the ticket service on the
 * example contract, one user and token per role, and the app built over them.
 */
export async function apiHarness(
  target: StoreTarget,
  options: {
    start?: string;
    health?: Partial<HealthSources>;
    app?: Partial<AppOptions>;
    /** Serve the live stream (settings over the defaults) and listen on a free port. */
    stream?: Partial<StreamSettings>;
  } = {},
): Promise<ApiHarness> {
  const store = await target.open();
  const clock = new ManualClock(options.start ?? '2026-01-05T14:00:00Z');
  const auth = new AuthService(store.db, clock);
  const tickets = new TicketService({ db: store.db, clock, contract });
  const dir = mkdtempSync(join(tmpdir(), 'bf-api-'));
  const contractFile = join(dir, 'contract.yaml');
  copyFileSync(exampleContractFile(), contractFile);
  const holder = new ContractHolder(contract, { file: contractFile, clock });
  holder.onChange((replaced) => tickets.replaceContract(replaced));
  const tokens = {} as Tokens;
  for (const role of ROLES) {
    const user = await auth.createUser({ name: role, role });
    tokens[role] = (await auth.issueToken(user.id)).token;
  }
  const hub = options.stream
    ? new StreamHub({
        db: store.db,
        dialect: store.dialect,
        clock,
        auth,
        settings: options.stream,
      })
    : undefined;
  if (hub) {
    await hub.start();
    tickets.onEvent(() => hub.poke());
  }
  const app = await buildApp({
    db: store.db,
    clock,
    auth,
    tickets,
    contract: holder,
    ...(hub ? { stream: hub } : {}),
    health: { store: { dialect: store.dialect, location: store.location }, ...options.health },
    ...options.app,
  });
  await app.ready();
  let baseUrl = '';
  if (hub) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    contract: holder,
    hub,
    baseUrl,
    store,
    clock,
    auth,
    tickets,
    app,
    tokens,
    as: (role, inject) =>
      app.inject({
        ...inject,
        headers: {
          ...inject.headers,
          ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
        },
      }),
    async close() {
      await hub?.stop();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
