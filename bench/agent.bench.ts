// The agent's own cost on a blade, against Debian's prometheus-node-exporter doing the same cycle
// in the same run: the agent bundle runs as a real process (real /sys and /proc, a temp state
// directory, an MQTT broker) while this process scrapes node_exporter's /metrics once a cycle.
// Both are measured from procfs over the same cycles after a warm-up: CPU seconds per cycle
// (children included: spawned helpers count), resident memory, and the wall time of a cycle
// (the agent's own `cycle` log line; node_exporter's scrape). The 15-second cycle is sped up
// (the slower schedules with it, in proportion) and figures are reported per cycle.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EmbeddedBroker } from '../collector/broker/embedded-broker.js';
import { bundleAgent } from '../scripts/agent-bundle.mjs';
import { ensureNodeExporter } from './support/node-exporter.js';
import { cpuSeconds, residentMemory, type CpuSample } from './support/proc-figures.js';

const CYCLES = Number(process.env.BENCH_AGENT_CYCLES ?? 30);
const CYCLE_S = 3; // tiles a minute, as the agent's schedules must; 15 s on a blade
const SPEED_UP = 15 / CYCLE_S;
// V8 keeps compiling and collecting for some 20 s after start; a blade's agent runs for months.
const WARM_UP_CYCLES = Math.ceil(30 / CYCLE_S);
const BUNDLE = 'dist/bladeframe-agent.mjs';
const TARGETS = { cpuRatio: 0.5, rssMb: 55, cycleMs: 100 };

const MB = 1024 * 1024;
const children: ChildProcess[] = [];
const tempDirs: string[] = [];

function cleanUp(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/** Newest modification time of the files the bundle is built from. */
function newestSource(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const st = statSync(path);
    if (st.isDirectory()) {
      newest = Math.max(newest, newestSource(readdirSync(path).map((f) => join(path, f))));
    } else newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

async function ensureBundle(): Promise<void> {
  const sources = ['agent', 'shared', 'scripts/agent-bundle.mjs', 'package-lock.json'];
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newestSource(sources)) return;
  console.log(`building ${BUNDLE}`);
  await bundleAgent(BUNDLE);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One scrape of /metrics, body read to the end: its wall time in ms. */
async function scrape(url: string): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - t0;
}

async function startNodeExporter(binary: string): Promise<{ pid: number; url: string }> {
  const port = await freePort();
  const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}/metrics`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited: ${stderr.trim()}`);
    try {
      await scrape(url);
      return { pid: child.pid!, url };
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`node_exporter did not answer on ${url}`);
}

interface AgentProcess {
  pid: number;
  /** Resolves with the cycle's total ms when the agent logs its n-th cycle (1-based). */
  cycle(n: number): Promise<number>;
}

function startAgent(mqttUrl: string): AgentProcess {
  const dir = mkdtempSync(join(tmpdir(), 'bf-agent-bench-'));
  tempDirs.push(dir);
  const config = join(dir, 'agent.yaml');
  // Every schedule sped up in proportion to the cycle: 1m heartbeat and unit check, 1h SMART.
  writeFileSync(
    config,
    [
      'intervals:',
      `  cycle: ${CYCLE_S}s`,
      `  heartbeat: ${60 / SPEED_UP}s`,
      'probes:',
      `  systemd-units: { interval: ${60 / SPEED_UP}s }`,
      `  smart: { interval: ${60 / SPEED_UP}m }`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [join(process.cwd(), BUNDLE), 'run'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      BLADEFRAME_AGENT_CONFIG: config,
      BLADEFRAME_STATE_DIR: join(dir, 'state'),
      BLADEFRAME_MQTT_URL: mqttUrl,
      BLADEFRAME_SITE: `bench-${process.pid}`,
      BLADEFRAME_LOG_LEVEL: 'debug', // the `cycle` line carries the cycle's duration
    },
  });
  children.push(child);
  const cycles: number[] = [];
  const waiting = new Map<number, (ms: number) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { msg?: string; totalMs?: number; durationMs?: number; level?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if ((entry.level ?? 0) >= 40) console.log(`agent: ${line}`);
    if (entry.msg !== 'cycle') return;
    cycles.push(entry.totalMs ?? entry.durationMs ?? NaN);
    waiting.get(cycles.length)?.(cycles[cycles.length - 1]!);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the agent exited with status ${code}`))),
  );
  exited.catch(() => undefined);
  return {
    pid: child.pid!,
    cycle: (n) =>
      n <= cycles.length
        ? Promise.resolve(cycles[n - 1]!)
        : Promise.race([new Promise<number>((r) => waiting.set(n, r)), exited]),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const total = (c: CpuSample): number => c.self + c.children;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await ensureBundle();
  const exporter = ensureNodeExporter();
  if (exporter.path === null) {
    console.log(`node_exporter unavailable (${exporter.reason}): measuring the agent alone`);
  }

  let broker: EmbeddedBroker | undefined;
  let mqttUrl = process.env.MQTT_URL;
  if (!mqttUrl) {
    broker = new EmbeddedBroker({ port: 0 });
    await broker.start();
    mqttUrl = broker.url;
  }
  const ne = exporter.path ? await startNodeExporter(exporter.path) : undefined;
  const agent = startAgent(mqttUrl);

  const neScrapes: number[] = [];
  const agentCycles: number[] = [];
  const afterFirst: number[] = []; // every agent cycle but the start-up one, warm-up included
  const rss = { agent: 0, ne: 0 };
  const sampleRss = (): void => {
    rss.agent = Math.max(rss.agent, residentMemory(agent.pid).rssBytes);
    if (ne) rss.ne = Math.max(rss.ne, residentMemory(ne.pid).rssBytes);
  };
  // One cycle of each: the agent's own (scheduled), then half a cycle later the scrape, so the
  // two do not compete for the CPU; samples are taken after both, a whole cycle apart.
  const oneCycle = async (n: number): Promise<void> => {
    const ms = await agent.cycle(n);
    await sleep((CYCLE_S * 1000) / 2);
    const scrapeMs = ne ? await scrape(ne.url) : NaN;
    if (n > 1) afterFirst.push(ms);
    if (n > WARM_UP_CYCLES) {
      agentCycles.push(ms);
      neScrapes.push(scrapeMs);
    }
  };

  console.log(
    `${WARM_UP_CYCLES} warm-up and ${CYCLES} measured cycles of ${CYCLE_S} s ` +
      `(a blade's 15 s cycle sped up ${SPEED_UP}x)`,
  );
  for (let n = 1; n <= WARM_UP_CYCLES; n++) await oneCycle(n);
  const startUpCpu = cpuSeconds(agent.pid);
  const cpu0 = { agent: startUpCpu, ne: ne ? cpuSeconds(ne.pid) : undefined };
  for (let n = WARM_UP_CYCLES + 1; n <= WARM_UP_CYCLES + CYCLES; n++) {
    await oneCycle(n);
    sampleRss();
  }
  const cpu1 = { agent: cpuSeconds(agent.pid), ne: ne ? cpuSeconds(ne.pid) : undefined };
  const peak = residentMemory(agent.pid).peakBytes;
  const nePeak = ne ? residentMemory(ne.pid).peakBytes : NaN;

  for (const child of children) await stop(child);
  await broker?.stop();

  const perCycle = (a: CpuSample | undefined, b: CpuSample | undefined): number =>
    a && b ? (total(b) - total(a)) / CYCLES : NaN;
  const agentCpu = perCycle(cpu0.agent, cpu1.agent);
  const agentChildren = (cpu1.agent.children - cpu0.agent.children) / CYCLES;
  const neCpu = perCycle(cpu0.ne, cpu1.ne);
  const figures = {
    cpu: [agentCpu, neCpu],
    rss: [rss.agent / MB, ne ? rss.ne / MB : NaN],
    cycle: [median(agentCycles), ne ? median(neScrapes) : NaN],
  } as const;

  const num = (x: number, digits: number): string =>
    Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
  const ratio = ([a, b]: readonly [number, number]): string =>
    Number.isFinite(a / b) ? `${(a / b).toFixed(2)}` : 'unavailable';
  const rows: [string, string, string, string][] = [
    ['measure', 'agent', 'node_exporter', 'ratio'],
    ['CPU s per cycle', num(figures.cpu[0], 4), num(figures.cpu[1], 4), ratio(figures.cpu)],
    ['  of which children', num(agentChildren, 4), '', ''],
    ['CPU s a minute at 15 s', num(agentCpu * 4, 3), num(neCpu * 4, 3), ''],
    ['resident MB (max)', num(figures.rss[0], 1), num(figures.rss[1], 1), ratio(figures.rss)],
    ['resident MB peak (VmHWM)', num(peak / MB, 1), num(nePeak / MB, 1), ratio([peak, nePeak])],
    ['cycle ms (median)', num(figures.cycle[0], 1), num(figures.cycle[1], 1), ratio(figures.cycle)],
    [
      'cycle ms (max)',
      num(Math.max(...agentCycles), 1),
      num(Math.max(...neScrapes), 1),
      ratio([Math.max(...agentCycles), Math.max(...neScrapes)]),
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  console.log(
    `agent start-up and warm-up (load, inventory, SMART, first 30 s): ${num(total(startUpCpu), 2)} CPU s`,
  );

  const verdict = (ok: boolean | undefined): string =>
    ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS';
  const cpuRatio = figures.cpu[0] / figures.cpu[1];
  console.log(
    `${verdict(Number.isFinite(cpuRatio) ? cpuRatio <= TARGETS.cpuRatio : undefined)}  CPU per cycle at most ${TARGETS.cpuRatio} of node_exporter's`,
  );
  console.log(
    `${verdict(figures.rss[0] <= TARGETS.rssMb)}  resident memory at most ${TARGETS.rssMb} MB`,
  );
  console.log(
    `${verdict(Math.max(...afterFirst) < TARGETS.cycleMs)}  every cycle after the first under ${TARGETS.cycleMs} ms ` +
      `(slowest ${num(Math.max(...afterFirst), 1)} ms)`,
  );
}

await main();
