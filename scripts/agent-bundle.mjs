// The one-file agent bundle for blades: runs with plain `node`, no node_modules.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
 * mqtt.js loads its WebSocket transport (ws, http, https, zlib) and its SOCKS proxy support
 * (socks, ip-address, smart-buffer, dgram, dns) on every connect; blades speak MQTT over TCP or
 * TLS. Each becomes a stand-in that loads the real module the first time it is used.
 */
const lazyMqttTransports = {
  name: 'lazy-mqtt-transports',
  setup(b) {
    b.onResolve({ filter: /^\.\/(ws|socks)$/ }, (args) =>
      /mqtt[\\/]build[\\/]lib[\\/]connect$/.test(args.resolveDir)
        ? {
            path: `mqtt/connect/${args.path.slice(2)}`,
            namespace: 'lazy',
            pluginData: join(args.resolveDir, `${args.path}.js`),
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const real = `require(${JSON.stringify(args.pluginData)})`;
      const contents = args.path.endsWith('ws')
        ? `module.exports = { streamBuilder: (...a) => ${real}.streamBuilder(...a),
             browserStreamBuilder: (...a) => ${real}.browserStreamBuilder(...a) };`
        : `module.exports = { __esModule: true, default: (...a) => ${real}.default(...a) };`;
      return { contents, loader: 'js', resolveDir: dirname(args.pluginData) };
    });
  },
};

/**
 * zod's error messages in every language it knows (`z.locales`) are 290 kB of the bundle's
 * resident source; the agent reports configuration errors in English, its default.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: 'zod/locales', namespace: 'english', pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'english' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

/**
 * V8's optimising compiler would page in megabytes of its own machine code to speed up a cycle
 * that takes a millisecond or two every 15 s; the agent runs without it. Set first thing, before
 * any of the bundle's code has run hot.
 */
const NO_OPTIMISER =
  "import { setFlagsFromString as __bfSetFlags } from 'node:v8'; __bfSetFlags('--no-opt');";

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
    banner: { js: `${commonBundleOptions.banner.js} ${NO_OPTIMISER}` },
    plugins: [lazyMqttTransports, englishOnlyZod],
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
