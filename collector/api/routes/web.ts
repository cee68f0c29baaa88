import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { BladeframeError } from '../../../shared/errors.js';
import { projectFile } from '../../../shared/paths.js';

export interface WebOptions {
  /** Where the built dashboard is (default: dist/web of the installed package). */
  dir?: string;
  /**
   * Build the dashboard when `dir` holds none, or an older one than the sources (development
   * and tests). Default: when the sources and esbuild are at hand.
   */
  build?: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Everything from this origin, nothing else: no CDN, no inline script, the stream on ws(s). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const ASSET_NAME = /^[A-Za-z0-9._-]+$/;

async function buildIfNeeded(dir: string): Promise<void> {
  const bundler = projectFile('collector', 'web', 'bundle.mjs');
  if (!existsSync(bundler)) return;
  // A non-literal import: the collector's own bundle must not pull esbuild in.
  const { ensureWebBuild } = (await import(pathToFileURL(bundler).href)) as {
    ensureWebBuild(outdir: string): Promise<boolean>;
  };
  await ensureWebBuild(dir);
}

/**
 * The operations dashboard: `index.html` at `/` and its content-hashed assets under `/assets/`,
 * served from the build (`npm run build` → dist/web). The page is never cached, so a new build
 * is picked up at the next load; the assets are immutable.
 */
const webRoutes: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const dir = options.dir ?? projectFile('dist', 'web');
  if (options.build ?? true) {
    try {
      await buildIfNeeded(dir);
    } catch (error) {
      // Without esbuild (an installed package), the shipped build is what there is.
      if (!existsSync(join(dir, 'index.html'))) throw error;
      app.log.warn({ err: (error as Error).message }, 'dashboard build skipped');
    }
  }

  const send = async (file: string, cache: string) => {
    try {
      return { body: await readFile(join(dir, file)), cache };
    } catch {
      return undefined;
    }
  };

  app.get('/', async (_request, reply) => {
    const page = await send('index.html', 'no-cache');
    if (!page) {
      throw new BladeframeError('BF_NOT_FOUND', 'the dashboard is not built: run npm run build');
    }
    return reply
      .header('content-type', TYPES['.html'])
      .header('cache-control', page.cache)
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page.body);
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const { name } = request.params;
    const type = TYPES[extname(name)];
    const asset = ASSET_NAME.test(name) && type ? await send(join('assets', name), '') : undefined;
    if (!asset) throw new BladeframeError('BF_NOT_FOUND', `asset ${name}`);
    return reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  });
};

export default webRoutes;
