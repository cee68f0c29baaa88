// Builds dist/: the one-file agent bundle for blades (no node_modules needed) and the collector.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { bundleAgent, commonBundleOptions } from './agent-bundle.mjs';

rmSync('dist', { recursive: true, force: true });

await bundleAgent('dist/bladeframe-agent.mjs');

await build({
  ...commonBundleOptions,
  entryPoints: ['collector/cli.ts'],
  outfile: 'dist/bladeframe-collector.mjs',
  // The collector runs from an installed package: keep node_modules (native sqlite, level).
  packages: 'external',
});
// The collector's threads: its broker session, and SQLite's checkpoints.
for (const [entry, name] of [
  ['collector/ingest/mqtt-thread.ts', 'mqtt-thread'],
  ['collector/store/checkpoint-thread.ts', 'checkpoint-thread'],
]) {
  await build({
    ...commonBundleOptions,
    entryPoints: [entry],
    outfile: `dist/bladeframe-${name}.mjs`,
    packages: 'external',
  });
}

if (existsSync('collector/web/build.mjs')) {
  await import(new URL('../collector/web/build.mjs', import.meta.url).href);
}
console.log('built dist/bladeframe-agent.mjs and dist/bladeframe-collector.mjs with its threads');
