// In AWS every endpoint a function calls is HTTPS, and its first request pays a
// TLS handshake. The local stand-ins speak plain HTTP, so the bench puts a TLS
// terminator in front of each on 127.0.0.1, with a throwaway self-signed
// certificate the function processes trust through NODE_EXTRA_CA_CERTS.
// (Plain HTTP would also mislead: the SDK's ES-module build loads `node:http`
// with `import()` for an http:// endpoint, and reading that module's exports
// loads Node's fetch implementation, 15–20 ms that no HTTPS call costs.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';

export interface LocalCertificate {
  key: string;
  cert: string;
  /** PEM file of the certificate, for NODE_EXTRA_CA_CERTS; removed by `dispose`. */
  caFile: string;
  dispose(): void;
}

/**
 * An RSA 2048 certificate for 127.0.0.1, valid for a day, made with the
 * `openssl` command (AWS endpoints also present RSA 2048 certificates).
 */
export function createLocalCertificate(): LocalCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'expenser-bench-tls-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      caFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (result.error || result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the bench needs the openssl command for a local certificate: ${result.error ?? result.stderr}`,
    );
  }
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(caFile, 'utf8'),
    caFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An https:// endpoint on 127.0.0.1 forwarding every connection to the http:// `target`. */
export async function startTlsProxy(
  target: string,
  { key, cert }: Pick<LocalCertificate, 'key' | 'cert'>,
): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer({ key, cert }, (client) => {
    const upstream = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    for (const socket of [client, upstream]) {
      // Without it Nagle's algorithm meets delayed ACKs and requests stall for ~40 ms.
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${listening}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
