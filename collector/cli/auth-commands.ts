import type { Command } from 'commander';
import { systemClock } from '../../shared/clock.js';
import { loadCollectorConfig } from '../../shared/config/collector-config.js';
import { isDuration, parseDuration } from '../../shared/duration.js';
import { BladeframeError } from '../../shared/errors.js';
import { AuthService } from '../auth/auth-service.js';
import { ROLES, type Role } from '../domain/ticket-events.js';
import { openStore, type Store } from '../store/open-store.js';
import { fail, processOutput, table, withOutput, type CliOutput } from './cli-output.js';

interface StoreOption {
  config?: string;
}

/** Opens the store the collector's configuration names (file and environment, as `run`). */
async function withAuth<T>(
  options: StoreOption & { env: NodeJS.ProcessEnv },
  fn: (auth: AuthService) => Promise<T>,
): Promise<T> {
  const config = loadCollectorConfig(options.config, options.env);
  const store: Store = await openStore({
    databaseUrl: config.store.databaseUrl,
    dataDir: config.store.dataDir,
    sqliteSync: config.store.sqliteSync,
    // A short-lived command: gone before a checkpoint thread would have anything to do.
    sqliteCheckpoint: 'inline',
  });
  try {
    return await fn(new AuthService(store.db, systemClock));
  } finally {
    await store.close();
  }
}

const configOption = (command: Command) =>
  command.option('--config <file>', 'collector configuration (YAML); the environment overrides it');

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new BladeframeError('BF_BAD_REQUEST', `no role ${value}`, [
      `--role: one of ${ROLES.join(', ')}`,
    ]);
  }
  return value as Role;
}

function run(io: CliOutput, action: () => Promise<void>): Promise<void> {
  return action().catch((error: unknown) => fail(io, error));
}

/**
 * `users add|list|disable` and `tokens create|list|revoke`: people and their API tokens, in the
 * store of the collector's configuration (the same file and environment as `run`). A token is
 * printed once, when created; only its hash is kept.
 */
export function registerAuthCommands(
  program: Command,
  io: CliOutput = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const users = withOutput(
    program.command('users').description('People who use the API and dashboard'),
    io,
  );
  withOutput(
    configOption(
      users
        .command('add')
        .description('Add a person with a role (operations, engineer, customer, admin)')
        .requiredOption('--name <name>', 'unique name; it names the person in the audit log')
        .requiredOption('--role <role>', ROLES.join(' | '))
        .option('--email <address>')
        .option('--token', 'also create a token for them and print it'),
    ),
    io,
  ).action(
    (options: StoreOption & { name: string; role: string; email?: string; token?: boolean }) =>
      run(io, () =>
        withAuth({ ...options, env }, async (auth) => {
          const user = await auth.createUser({
            name: options.name,
            role: role(options.role),
            email: options.email ?? null,
          });
          io.out(`added ${user.name} (${user.role}), id ${user.id}\n`);
          if (options.token) {
            const { token, record } = await auth.issueToken(user.id, { label: 'cli' });
            io.out(`token ${record.id} (shown once):\n${token}\n`);
          }
        }),
      ),
  );
  withOutput(
    configOption(users.command('list').description('List people').option('--json')),
    io,
  ).action((options: StoreOption & { json?: boolean }) =>
    run(io, () =>
      withAuth({ ...options, env }, async (auth) => {
        const list = await auth.listUsers();
        if (options.json) return io.out(JSON.stringify(list, null, 2) + '\n');
        io.out(
          table(
            ['ID', 'NAME', 'ROLE', 'EMAIL', 'CREATED', 'DISABLED'],
            list.map((u) => [u.id, u.name, u.role, u.email ?? '', u.createdAt, u.disabledAt ?? '']),
          ),
        );
      }),
    ),
  );
  withOutput(
    configOption(
      users
        .command('disable')
        .description('Disable a person: their tokens stop working at once')
        .argument('<user>', 'id or name'),
    ),
    io,
  ).action((who: string, options: StoreOption) =>
    run(io, () =>
      withAuth({ ...options, env }, async (auth) => {
        const user = await auth.findUser(who);
        if (!user) throw new BladeframeError('BF_NOT_FOUND', `user ${who}`);
        await auth.disableUser(user.id);
        io.out(`disabled ${user.name}\n`);
      }),
    ),
  );

  const tokens = withOutput(program.command('tokens').description('API tokens'), io);
  withOutput(
    configOption(
      tokens
        .command('create')
        .description('Create a token for a person and print it (once)')
        .requiredOption('--user <user>', 'id or name')
        .option('--label <label>', 'what it is for', 'cli')
        .option('--expires <duration>', 'e.g. 90d; absent: until revoked'),
    ),
    io,
  ).action((options: StoreOption & { user: string; label: string; expires?: string }) =>
    run(io, () =>
      withAuth({ ...options, env }, async (auth) => {
        if (options.expires !== undefined && !isDuration(options.expires)) {
          throw new BladeframeError('BF_BAD_REQUEST', 'bad --expires', [
            '--expires: a duration like 90d or 12h',
          ]);
        }
        const user = await auth.findUser(options.user);
        if (!user) throw new BladeframeError('BF_NOT_FOUND', `user ${options.user}`);
        const { token, record } = await auth.issueToken(user.id, {
          label: options.label,
          expiresAt: options.expires
            ? new Date(systemClock.now().getTime() + parseDuration(options.expires))
            : null,
        });
        io.err(`token ${record.id} for ${user.name} (${user.role}); shown once:\n`);
        io.out(`${token}\n`);
      }),
    ),
  );
  withOutput(
    configOption(
      tokens
        .command('list')
        .description('List tokens (never the tokens themselves)')
        .option('--user <user>', 'only this person')
        .option('--json'),
    ),
    io,
  ).action((options: StoreOption & { user?: string; json?: boolean }) =>
    run(io, () =>
      withAuth({ ...options, env }, async (auth) => {
        const people = new Map((await auth.listUsers()).map((u) => [u.id, u]));
        let userId: string | undefined;
        if (options.user) {
          const user = await auth.findUser(options.user);
          if (!user) throw new BladeframeError('BF_NOT_FOUND', `user ${options.user}`);
          userId = user.id;
        }
        const list = await auth.listTokens(userId);
        if (options.json) return io.out(JSON.stringify(list, null, 2) + '\n');
        io.out(
          table(
            ['ID', 'USER', 'LABEL', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
            list.map((t) => [
              t.id,
              people.get(t.userId)?.name ?? t.userId,
              t.label,
              t.createdAt,
              t.expiresAt ?? '',
              t.lastUsedAt ?? '',
              t.revokedAt ?? '',
            ]),
          ),
        );
      }),
    ),
  );
  withOutput(
    configOption(
      tokens
        .command('revoke')
        .description('Revoke a token: it stops working at once')
        .argument('<token-id>', 'the id (tok_...), not the token'),
    ),
    io,
  ).action((id: string, options: StoreOption) =>
    run(io, () =>
      withAuth({ ...options, env }, async (auth) => {
        await auth.revokeToken(id);
        io.out(`revoked ${id}\n`);
      }),
    ),
  );
}
