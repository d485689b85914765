import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GetSecretValue call as the stand-in received it. */
export interface SecretsManagerRequest {
  target: string;
  authorization: string;
  secretId: string;
}

export interface LocalSecretsManager {
  /** For `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  url: string;
  requests: SecretsManagerRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for Secrets Manager's GetSecretValue (JSON 1.1) on 127.0.0.1,
 * reached by a bundle's own client through AWS_ENDPOINT_URL_SECRETS_MANAGER as
 * the SDK would reach the service. Unknown ids get ResourceNotFoundException.
 */
export async function startSecretsManager(secrets: Record<string, string>): Promise<LocalSecretsManager> {
  const requests: SecretsManagerRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const { SecretId = '' } = JSON.parse(body || '{}') as { SecretId?: string };
      requests.push({
        target: String(req.headers['x-amz-target']),
        authorization: String(req.headers.authorization),
        secretId: SecretId,
      });
      const value = secrets[SecretId];
      res.writeHead(value === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(
          value === undefined
            ? {
                __type: 'ResourceNotFoundException',
                message: 'Secrets Manager can’t find the specified secret.',
              }
            : { ARN: SecretId, SecretString: value },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
