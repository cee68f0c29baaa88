// The one-file agent bundle for blades: runs with plain `node`, no node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Options shared by every bundle of this repository. */
export const commonBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled CommonJS dependencies still call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __bfCreateRequire } from 'node:module'; const require = __bfCreateRequire(import.meta.url);",
  },
  define: { __BLADEFRAME_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  legalComments: 'none',
};

/** Builds agent/cli.ts into one file at `outfile`. */
export async function bundleAgent(outfile) {
  await build({
    ...commonBundleOptions,
    entryPoints: [new URL('../agent/cli.ts', import.meta.url).pathname],
    outfile,
    // Optional native helpers of dependencies that blades never need.
    external: ['osx-temperature-sensor', 'bufferutil', 'utf-8-validate'],
  });
}
