// Size of the browser client (web/client) as a front end ships it: one
// minified ESM bundle including @simplewebauthn/browser, raw and gzipped
// (level 9). The demo app's whole script is listed for comparison.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ENTRIES = {
  'browser client (web/client/index.ts, expenser-auth/client)': 'web/client/index.ts',
  'React hooks + client (web/react/index.ts, expenser-auth/react; React itself not counted)':
    'web/react/index.ts',
  'demo app script (web/app/main.ts, includes the client)': 'web/app/main.ts',
} as const;

export interface BundleSize {
  name: string;
  minifiedBytes: number;
  gzipBytes: number;
}

export async function measureClientBundles(): Promise<BundleSize[]> {
  const rows: BundleSize[] = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      minify: true,
      write: false,
      target: 'es2022',
      // A peer dependency: the app ships React whether or not it uses these hooks.
      external: ['react'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    rows.push({ name, minifiedBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength });
  }
  return rows;
}

export async function benchClientBundle(): Promise<void> {
  const rows = await measureClientBundles();
  console.log('\nBrowser client bundle (esbuild, minified ESM, es2022; gzip level 9)');
  console.log('| bundle | minified KB | gzip KB |');
  console.log('|---|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${(row.minifiedBytes / 1024).toFixed(1)} | ${(row.gzipBytes / 1024).toFixed(1)} |`,
    );
  }
}

if (import.meta.main) await benchClientBundle();
