/**
 * Operations the service uses that dynalite 4 lacks, emulated in front of it
 * on the same wire protocol: TransactWriteItems (all-or-nothing, isolated),
 * UpdateTimeToLive and DescribeTimeToLive. Everything else goes to dynalite
 * untouched, so conditions, expressions and errors stay dynalite's own.
 *
 * Isolation: every ordinary request holds a shared lock while dynalite serves
 * it; a transaction holds the lock exclusively, so no request observes it half
 * done. Inside, each item is applied with dynalite's own conditional write and
 * its previous image kept; if any condition fails, the applied items are
 * restored (DynamoDB reports a reason per item, so all items are evaluated).
 * Durability: a crash in the middle of a transaction can leave it partly
 * applied on disk; acceptable for a local development store.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

type Json = Record<string, unknown>;
type Item = Record<string, unknown>;

export interface DynamoResponse {
  status: number;
  body: Json;
}

/** Sends one request to dynalite itself, bypassing the lock (the caller holds it exclusively). */
export type InternalCall = (operation: string, body: Json) => Promise<DynamoResponse>;

const TRANSACTION_CANCELED = 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException';
const VALIDATION = 'com.amazon.coral.validate#ValidationException';

/** A readers-writer lock, first come first served (a waiting writer holds back later readers). */
export class ReadWriteLock {
  #readers = 0;
  #writer = false;
  #queue: { exclusive: boolean; grant: () => void }[] = [];

  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.#queue.push({
        exclusive,
        grant: () => {
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            if (exclusive) this.#writer = false;
            else this.#readers--;
            this.#pump();
          });
        },
      });
      this.#pump();
    });
  }

  #pump(): void {
    for (;;) {
      const next = this.#queue[0];
      if (!next || this.#writer) return;
      if (next.exclusive) {
        if (this.#readers > 0) return;
        this.#writer = true;
      } else {
        this.#readers++;
      }
      this.#queue.shift();
      next.grant();
    }
  }
}

/** TTL settings by table name. In memory: after a restart ensureTable enables TTL again. */
export function createTimeToLiveEmulator(call: InternalCall) {
  const settings = new Map<string, string>();
  return {
    async describe(body: Json): Promise<DynamoResponse> {
      const table = await call('DescribeTable', { TableName: body.TableName });
      if (table.status !== 200) return table;
      const attribute = settings.get(String(body.TableName));
      const description = attribute
        ? { TimeToLiveStatus: 'ENABLED', AttributeName: attribute }
        : { TimeToLiveStatus: 'DISABLED' };
      return { status: 200, body: { TimeToLiveDescription: description } };
    },
    async update(body: Json): Promise<DynamoResponse> {
      const table = await call('DescribeTable', { TableName: body.TableName });
      if (table.status !== 200) return table;
      const name = String(body.TableName);
      const spec = (body.TimeToLiveSpecification ?? {}) as { AttributeName?: string; Enabled?: boolean };
      if (typeof spec.AttributeName !== 'string' || typeof spec.Enabled !== 'boolean') {
        return validationError('TimeToLiveSpecification needs AttributeName and Enabled');
      }
      if (spec.Enabled && settings.has(name)) return validationError('TimeToLive is already enabled');
      if (spec.Enabled) settings.set(name, spec.AttributeName);
      else settings.delete(name);
      return { status: 200, body: { TimeToLiveSpecification: spec } };
    },
  };
}

interface Applied {
  table: string;
  key: Item;
  /** The item before this transaction touched it; undefined if absent. */
  old: Item | undefined;
  /** A ConditionCheck, evaluated by a conditional delete that is always undone. */
  isCheck: boolean;
}

/** Executes a TransactWriteItems request. The caller must hold the lock exclusively. */
export async function transactWriteItems(body: Json, call: InternalCall): Promise<DynamoResponse> {
  const items = body.TransactItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
    return validationError('TransactItems must hold 1 to 100 items');
  }
  const keyNames = new Map<string, string[]>();
  const plans: {
    operation: string;
    table: string;
    key: Item;
    request: Json;
    isCheck: boolean;
    returnOld: boolean;
  }[] = [];
  const seen = new Set<string>();
  for (const entry of items as Json[]) {
    const kinds = Object.keys(entry ?? {}).filter((kind) => entry[kind] != null);
    if (kinds.length !== 1) return validationError('Each TransactItem must hold exactly one operation');
    const kind = kinds[0] as string;
    const spec = entry[kind] as Json;
    const table = String(spec.TableName);
    let names = keyNames.get(table);
    if (!names) {
      const described = await call('DescribeTable', { TableName: table });
      if (described.status !== 200) return described;
      const schema = (described.body.Table as { KeySchema: { AttributeName: string }[] }).KeySchema;
      names = schema.map((element) => element.AttributeName);
      keyNames.set(table, names);
    }
    const source = (kind === 'Put' ? spec.Item : spec.Key) as Item | undefined;
    if (!source) return validationError(`${kind} needs ${kind === 'Put' ? 'Item' : 'Key'}`);
    const key = Object.fromEntries(names.map((name) => [name, source[name]]));
    const identity = JSON.stringify([table, key]);
    if (seen.has(identity)) {
      return validationError('Transaction request cannot include multiple operations on one item');
    }
    seen.add(identity);
    const request: Json = { TableName: table, ReturnValues: 'ALL_OLD' };
    for (const field of [
      'Item',
      'Key',
      'ConditionExpression',
      'UpdateExpression',
      'ExpressionAttributeNames',
      'ExpressionAttributeValues',
    ]) {
      if (spec[field] !== undefined) request[field] = spec[field];
    }
    const operation = {
      Put: 'PutItem',
      Delete: 'DeleteItem',
      Update: 'UpdateItem',
      ConditionCheck: 'DeleteItem',
    }[kind];
    if (!operation) return validationError(`Unknown TransactItem operation ${kind}`);
    // A ConditionCheck is evaluated by a conditional delete that is always restored below.
    if (kind === 'ConditionCheck' && !spec.ConditionExpression) {
      return validationError('ConditionCheck needs ConditionExpression');
    }
    plans.push({
      operation,
      table,
      key,
      request,
      isCheck: kind === 'ConditionCheck',
      returnOld: spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
    });
  }

  const applied: Applied[] = [];
  const reasons: Json[] = [];
  let failure: DynamoResponse | null = null;
  for (const plan of plans) {
    const result = await call(plan.operation, plan.request);
    if (result.status === 200) {
      const old = result.body.Attributes as Item | undefined;
      applied.push({ table: plan.table, key: plan.key, old, isCheck: plan.isCheck });
      reasons.push({ Code: 'None' });
    } else if (String(result.body.__type).endsWith('#ConditionalCheckFailedException')) {
      const reason: Json = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
      if (plan.returnOld) {
        const current = await call('GetItem', { TableName: plan.table, Key: plan.key, ConsistentRead: true });
        if (current.body.Item) reason.Item = current.body.Item;
      }
      reasons.push(reason);
    } else {
      failure = result; // validation or internal error: the whole request fails with it
      break;
    }
  }

  const cancelled = failure !== null || reasons.some((reason) => reason.Code !== 'None');
  for (const entry of applied.reverse()) {
    // A check that found no item deleted nothing; every other applied write is undone on cancel.
    if (entry.isCheck ? entry.old !== undefined : cancelled) await restore(entry, call);
  }
  if (failure) return failure;
  if (cancelled) {
    const codes = reasons.map((reason) => reason.Code);
    return {
      status: 400,
      body: {
        __type: TRANSACTION_CANCELED,
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
        CancellationReasons: reasons,
      },
    };
  }
  return { status: 200, body: {} };
}

async function restore(entry: Applied, call: InternalCall): Promise<void> {
  const result = entry.old
    ? await call('PutItem', { TableName: entry.table, Item: entry.old })
    : await call('DeleteItem', { TableName: entry.table, Key: entry.key });
  if (result.status !== 200) {
    throw new Error(`Could not roll back a transaction item: ${JSON.stringify(result.body)}`);
  }
}

function validationError(message: string): DynamoResponse {
  return { status: 400, body: { __type: VALIDATION, message } };
}

/** The CRC32 DynamoDB sends in `x-amz-crc32` over the response body. */
export function crc32(body: string): number {
  return zlibCrc32(body);
}
