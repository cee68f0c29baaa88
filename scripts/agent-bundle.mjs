// The one-file agent bundle for blades: runs with plain `node`, no node_modules.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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

/**
 * Builds agent/cli.ts into one file at `outfile`. V8 keeps the whole source resident: without
 * comments and indentation it is a third smaller, and in pure ASCII it is held at one byte a
 * character instead of two (esbuild leaves a few characters in regular expressions as they are).
 */
export async function bundleAgent(outfile) {
  const result = await build({
    ...commonBundleOptions,
    entryPoints: [new URL('../agent/cli.ts', import.meta.url).pathname],
    outfile,
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    // Optional native helpers of dependencies that blades never need.
    external: ['osx-temperature-sensor', 'bufferutil', 'utf-8-validate'],
  });
  for (const file of result.outputFiles) {
    const ascii = file.text.replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, ascii);
  }
}
