import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../../collector/api/errors.js';
import webRoutes from '../../../collector/api/routes/web.js';
import { webBuildIsCurrent } from '../../../collector/web/bundle.mjs';

describe('the dashboard route', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'bf-web-')), 'web');
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    installErrorHandling(app);
    // Builds into `dir`, as the collector does in development when dist/web is missing.
    await app.register(webRoutes, { dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('serves the page uncached, with a policy that allows this origin only', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
    expect(res.body).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]+\.js">/);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('serves the hashed assets as immutable, and nothing outside them', async () => {
    const { script, style } = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as {
      script: string;
      style: string;
    };
    const js = await app.inject({ method: 'GET', url: `/assets/${script}` });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const css = await app.inject({ method: 'GET', url: `/assets/${style}` });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toContain('prefers-reduced-motion');
    expect(css.body).toContain('prefers-color-scheme');

    for (const url of [
      '/assets/nope.js',
      '/assets/..%2fbuild.json',
      '/assets/build.json',
      '/assets/x.exe',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'BF_NOT_FOUND' });
    }
  });

  it('knows when its build is older than the sources', () => {
    expect(webBuildIsCurrent(dir)).toBe(true);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(dir, 'build.json'), past, past);
    expect(webBuildIsCurrent(dir)).toBe(false);
    expect(webBuildIsCurrent(join(dir, 'missing'))).toBe(false);
  });
});
