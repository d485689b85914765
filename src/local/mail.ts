import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';

/** The server factory of aws-ses-v2-local (a CommonJS module whose default export Node wraps once more). */
type StartSesLocal = (config: { host: string; port: number }) => Promise<Server>;
const startSesLocal: StartSesLocal =
  (sesLocalModule as unknown as { default: StartSesLocal }).default ??
  (sesLocalModule as unknown as StartSesLocal);

export interface LocalMail {
  /** The SES API endpoint the service's SES client is pointed at (MAIL_ENDPOINT). */
  endpoint: string;
  /** The mailbox page: every message sent, readable in a browser. */
  mailboxUrl: string;
  close(): Promise<void>;
}

/**
 * aws-ses-v2-local: a real SES v2 HTTP API (SendEmail) with a mailbox page
 * and `GET /store`, on 127.0.0.1 at `port` (0: a free one). Its mailbox lives
 * in the process's memory, shared by every instance in the process.
 */
export async function startLocalMail(port: number): Promise<LocalMail> {
  const server = await startSesLocal({ host: '127.0.0.1', port });
  const { port: bound } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${bound}`;
  return {
    endpoint: base,
    mailboxUrl: `${base}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
