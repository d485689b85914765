import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from '../http/deps.ts';

const webDir = fileURLToPath(new URL('../../web/demo/', import.meta.url));

/**
 * Serves the local demo page at `/` and its script, bundled once at start-up
 * with esbuild (a dev dependency; the demo is local-only and never deployed).
 */
export async function mountDemoPage(app: Hono<AppEnv>): Promise<void> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [`${webDir}demo.ts`],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const html = await readFile(`${webDir}index.html`, 'utf8');
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
  app.get('/', (c) => {
    c.header('Content-Security-Policy', csp);
    return c.html(html);
  });
  app.get('/demo.js', (c) => c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
}
