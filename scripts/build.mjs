// Builds dist/: the one-file agent bundle for blades (no node_modules needed) and the collector.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Bundled CommonJS dependencies still call require(); give the ESM bundle one.
const banner = {
  js: "import { createRequire as __bfCreateRequire } from 'node:module'; const require = __bfCreateRequire(import.meta.url);",
};
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner,
  define: { __BLADEFRAME_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  legalComments: 'none',
};

rmSync('dist', { recursive: true, force: true });

await build({
  ...common,
  entryPoints: ['agent/cli.ts'],
  outfile: 'dist/bladeframe-agent.mjs',
  // Optional native helpers of dependencies that blades never need.
  external: ['osx-temperature-sensor', 'bufferutil', 'utf-8-validate'],
});

await build({
  ...common,
  entryPoints: ['collector/cli.ts'],
  outfile: 'dist/bladeframe-collector.mjs',
  // The collector runs from an installed package: keep node_modules (native sqlite, level).
  packages: 'external',
});

if (existsSync('collector/web/build.mjs')) {
  await import(new URL('../collector/web/build.mjs', import.meta.url).href);
}
console.log('built dist/bladeframe-agent.mjs and dist/bladeframe-collector.mjs');
