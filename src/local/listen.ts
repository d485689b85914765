import type { AddressInfo } from 'node:net';

interface Listening {
  once(event: 'listening' | 'error', listener: (error?: Error) => void): unknown;
  off(event: 'listening' | 'error', listener: (error?: Error) => void): unknown;
  address(): AddressInfo | string | null;
}

/** Thrown when the port is taken, with a message a person can act on. */
export class PortInUseError extends Error {
  constructor(port: number, options?: { cause?: unknown }) {
    super(
      `Port ${port} is already in use on 127.0.0.1 (is another \`npm start\` running?). Stop it or choose another port: PORT=3001 npm start`,
      options,
    );
    this.name = this.constructor.name;
  }
}

/** Waits until `server` listens and returns its port; a busy port becomes `PortInUseError`. */
export function listen(server: Listening, requestedPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : requestedPort);
    };
    const onError = (error?: Error) => {
      server.off('listening', onListening);
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      reject(code === 'EADDRINUSE' ? new PortInUseError(requestedPort, { cause: error }) : error);
    };
    const address = server.address();
    if (address && typeof address === 'object') return resolve(address.port);
    server.once('listening', onListening);
    server.once('error', onError);
  });
}
