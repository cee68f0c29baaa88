// Bundles the dashboard (collector/web/src) into static files the collector serves at `/`:
// index.html, one script and one stylesheet named by their content hash. No CDN, no runtime deps.
import { build } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The browsers the dashboard supports: current evergreen ones. */
const TARGETS = ['chrome110', 'firefox115', 'safari16', 'edge110'];

function page({ script, style }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>Bladeframe operations</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/assets/${style}" />
    <script type="module" src="/assets/${script}"></script>
  </head>
  <body>
    <div id="app"><noscript>The Bladeframe dashboard needs JavaScript.</noscript></div>
  </body>
</html>
`;
}

/**
 * Builds into `outdir` (default dist/web). The files are written to a sibling directory first and
 * moved into place, so a collector serving `outdir` never sees half a build.
 */
export async function buildWeb({ outdir = join(root, 'dist', 'web'), minify = true } = {}) {
  const staging = `${outdir}.staging-${process.pid}-${Date.now()}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, 'src', 'main.tsx') },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (!script || !style) throw new Error(`web bundle incomplete: ${outputs.join(', ')}`);
  writeFileSync(join(staging, 'index.html'), page({ script, style }));
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
  writeFileSync(
    join(staging, 'build.json'),
    JSON.stringify({ builtAt: new Date().toISOString(), script, style, inputs }, null, 1),
  );
  // Move the old build aside and the new one in: two renames, no moment without a whole build.
  const old = `${outdir}.old-${process.pid}-${Date.now()}`;
  if (existsSync(outdir)) renameSync(outdir, old);
  try {
    renameSync(staging, outdir);
  } catch (error) {
    // Another process (a parallel build) moved its own build in first: keep that one.
    rmSync(staging, { recursive: true, force: true });
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
  rmSync(old, { recursive: true, force: true });
  return { outdir: relative(process.cwd(), outdir) || '.', script, style };
}

/**
 * Whether `outdir` holds a build of the current sources: every file that went into it is
 * older than the build. False when there is no build; true when the sources are not shipped.
 */
export function webBuildIsCurrent(outdir) {
  const manifest = join(outdir, 'build.json');
  if (!existsSync(manifest) || !existsSync(join(outdir, 'index.html'))) return false;
  const built = statSync(manifest).mtimeMs;
  const { inputs = [] } = JSON.parse(readFileSync(manifest, 'utf8'));
  return inputs
    .map((file) => join(root, file))
    .every((file) => !existsSync(file) || statSync(file).mtimeMs <= built);
}

/** Builds `outdir` unless it already holds a build of the current sources. */
export async function ensureWebBuild(outdir) {
  if (webBuildIsCurrent(outdir)) return false;
  await buildWeb({ outdir });
  return true;
}
