// `npm start`: the collector on its embedded MQTT broker and a SQLite file with the example
// contract, and this machine's own agent reporting to it. Nothing to install beyond Node.
// Every setting of `bladeframe-collector run` still applies (MQTT_URL, DATABASE_URL, HTTP_PORT,
// DATA_DIR, CONTRACT_FILE, ...); ports already taken are replaced by free ones.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');
const env = process.env;
const dataDir = resolve(env.DATA_DIR ?? 'data');
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

/** The preferred port when nothing listens on it (any address), else one the system picks. */
function freePort(preferred) {
  const tryListen = (port) =>
    new Promise((done) => {
      const server = createServer();
      server.once('error', () => done(null));
      server.listen(port, () => {
        const { port: bound } = server.address();
        server.close(() => done(bound));
      });
    });
  return tryListen(preferred).then((port) => port ?? tryListen(0));
}

/** The admin token of this data directory: chosen once, kept beside the SQLite file. */
function adminToken() {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `bft_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Starts a bin under `node`; JSON log lines go to its log file, anything else to the console. */
function start(name, args, childEnv) {
  const child = spawn(process.execPath, [join(root, 'bin', `${name}.js`), ...args], {
    cwd: root,
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) log.write(`${line}\n`);
    else if (line.trim()) console.log(`[${name}] ${line}`);
  });
  createInterface({ input: child.stderr }).on('line', (line) => console.error(`[${name}] ${line}`));
  return child;
}

/** A path as the user would type it: relative inside the checkout, else absolute. */
function shown(path) {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function waitForHealth(url, collector) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (collector.exitCode !== null) return false;
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const httpPort = env.HTTP_PORT ?? String(await freePort(8080));
const mqttPort = env.MQTT_URL ? undefined : (env.MQTT_PORT ?? String(await freePort(1883)));
const mqttUrl = env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`;
const token = adminToken();
const site = env.BLADEFRAME_SITE ?? 'nj1';
const frame = env.BLADEFRAME_FRAME ?? 'f1';
const blade = env.BLADEFRAME_BLADE ?? (hostname().replace(/[^A-Za-z0-9_-]/g, '-') || 'blade');

const collector = start('bladeframe-collector', ['run'], {
  HTTP_PORT: httpPort,
  ...(mqttPort ? { MQTT_PORT: mqttPort } : {}),
  DATA_DIR: dataDir,
  ADMIN_TOKEN: token,
});
let agent;
let stopping = false;

function stop(code) {
  if (stopping) return;
  stopping = true;
  const children = [agent, collector].filter((c) => c && c.exitCode === null);
  for (const child of children) child.kill('SIGTERM');
  Promise.all(children.map((c) => new Promise((r) => c.once('exit', r)))).then(() =>
    process.exit(code),
  );
  // A child that does not stop within ten seconds is not waited for.
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
collector.once('exit', (code) => {
  if (!stopping) {
    console.error(`the collector stopped (exit ${code}); see ${shown(logDir)}/`);
    stop(1);
  }
});

const httpUrl = `http://127.0.0.1:${httpPort}`;
if (!(await waitForHealth(httpUrl, collector))) {
  console.error(`the collector did not come up; see ${join(logDir, 'bladeframe-collector.log')}`);
  stop(1);
} else {
  agent = start('bladeframe-agent', ['run'], {
    BLADEFRAME_MQTT_URL: mqttUrl,
    BLADEFRAME_STATE_DIR: join(dataDir, 'agent'),
    BLADEFRAME_SITE: site,
    BLADEFRAME_FRAME: frame,
    BLADEFRAME_BLADE: blade,
  });
  agent.once('exit', (code) => {
    if (!stopping) console.error(`the agent stopped (exit ${code}); the collector goes on`);
  });
  const store = env.DATABASE_URL
    ? 'PostgreSQL (DATABASE_URL)'
    : shown(join(dataDir, 'bladeframe.sqlite'));
  console.log(
    [
      '',
      'bladeframe-callhome is running.',
      '',
      `  dashboard    ${httpUrl}/#token=${token}`,
      `  admin token  ${token}  (kept in ${shown(join(dataDir, 'admin-token'))})`,
      `  MQTT         ${mqttUrl}${env.MQTT_URL ? '' : ' (embedded broker)'}`,
      `  store        ${store}`,
      `  this machine reports as blade ${blade} in frame ${frame} of site ${site}`,
      `  logs         ${shown(logDir)}/`,
      '',
      '  a test call through the whole path (it arrives as a test ticket, closed on receipt:',
      '  State "Closed" on the dashboard):',
      `    BLADEFRAME_STATE_DIR=${shown(join(dataDir, 'agent'))} node bin/bladeframe-agent.js test-event`,
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}
