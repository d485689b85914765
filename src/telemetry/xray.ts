import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * X-Ray subsegments around AWS SDK v3 calls, sent to the X-Ray daemon the way the X-Ray
 * SDK sends them, without its 127 KB (README "Operations"): one UDP datagram per call, the
 * daemon header then a subsegment document with `type` `subsegment`, `parent_id` the
 * function's segment and `namespace` `aws` (X-Ray DG: xray-api-sendingdata, "Sending
 * segment documents to the X-Ray daemon"; xray-api-segmentdocuments, "AWS resource data").
 * Lambda gives the daemon's address in AWS_XRAY_DAEMON_ADDRESS and the invocation's
 * trace header in _X_AMZN_TRACE_ID (Lambda DG: configuration-envvars); nothing is sent
 * unless that header says the invocation is sampled. Sending never throws and never waits.
 */

/** The part of an SDK v3 client the tracer uses: its middleware stack. */
export interface TraceableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: never) => Promise<unknown>,
        context: Record<string, unknown>,
      ) => (args: never) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

export interface TraceOptions {
  /** Read at each call: the trace header changes with every invocation. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Where a datagram goes; default the daemon over UDP. Tests pass a collector. */
  send?: (datagram: string) => void;
  clock?: () => number;
}

const DAEMON_HEADER = '{"format": "json", "version": 1}';

interface TraceHeader {
  root: string;
  parent: string;
}

/** `Root=1-…;Parent=…;Sampled=1` → root and parent, when sampled. */
export function sampledTrace(header: string | undefined): TraceHeader | null {
  const fields = Object.fromEntries(
    (header ?? '').split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  if (fields.Sampled !== '1' || !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(fields.Root ?? '')) return null;
  if (!/^[0-9a-f]{16}$/.test(fields.Parent ?? '')) return null;
  return { root: fields.Root as string, parent: fields.Parent as string };
}

let socket: Socket | undefined;

/** A sender to the daemon at `udp:host:port` or `host:port` (the forms AWS_XRAY_DAEMON_ADDRESS takes). */
function daemonSender(env: Record<string, string | undefined>): ((datagram: string) => void) | null {
  const address = env.AWS_XRAY_DAEMON_ADDRESS?.split(/\s+/).find((part) => !part.startsWith('tcp:'));
  const match = /^(?:udp:)?([^:\s]+):(\d{1,5})$/.exec(address ?? '');
  if (!match) return null;
  const [, host = '', port = '0'] = match;
  return (datagram) => {
    socket ??= createSocket('udp4').unref();
    socket.send(datagram, Number(port), host, () => undefined);
  };
}

type SdkError = {
  name?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
};

/** Records every call `client` sends as a subsegment of the invocation's trace. */
export function traceAwsCalls(client: TraceableClient, options: TraceOptions = {}): void {
  const { env = process.env, clock = Date.now } = options;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const trace = sampledTrace(env._X_AMZN_TRACE_ID);
      const send = trace ? (options.send ?? daemonSender(env)) : null;
      if (!trace || !send) return next(args);
      const started = clock() / 1000;
      const service = String(context.clientName ?? 'AWS').replace(/Client$/, '');
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      const input = (args as { input?: { TableName?: unknown } }).input;
      const segment = (result: { status?: number; requestId?: string; error?: SdkError }) => {
        const { status, error } = result;
        const throttled = status === 429 || /Throttl|TooManyRequests/.test(error?.name ?? '');
        const document = {
          name: service,
          id: randomBytes(8).toString('hex'),
          trace_id: trace.root,
          parent_id: trace.parent,
          type: 'subsegment',
          namespace: 'aws',
          start_time: started,
          end_time: clock() / 1000,
          aws: {
            operation,
            ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
            ...(result.requestId ? { request_id: result.requestId } : {}),
            ...(typeof input?.TableName === 'string' ? { table_name: input.TableName } : {}),
          },
          ...(status ? { http: { response: { status } } } : {}),
          ...(error ? (error.$fault === 'server' ? { fault: true } : { error: true }) : {}),
          ...(throttled ? { throttle: true } : {}),
        };
        try {
          send(`${DAEMON_HEADER}\n${JSON.stringify(document)}`);
        } catch {
          // Tracing is best effort: a call never fails because its trace could not be sent.
        }
      };
      try {
        const result = await next(args);
        const metadata = (result as { output?: { $metadata?: SdkError['$metadata'] } }).output?.$metadata;
        segment({
          status: metadata?.httpStatusCode ?? 200,
          ...(metadata?.requestId ? { requestId: metadata.requestId } : {}),
        });
        return result;
      } catch (error) {
        const sdkError = (error ?? {}) as SdkError;
        const status = sdkError.$metadata?.httpStatusCode;
        const requestId = sdkError.$metadata?.requestId;
        segment({ error: sdkError, ...(status ? { status } : {}), ...(requestId ? { requestId } : {}) });
        throw error;
      }
    },
    { step: 'initialize', name: 'xraySubsegment', override: true },
  );
}
