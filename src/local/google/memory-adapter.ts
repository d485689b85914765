/**
 * oidc-provider's storage adapter interface, kept in memory per stand-in (the
 * package's own memory adapter is process-global and logs a warning). Models:
 * Session, Interaction, AuthorizationCode, AccessToken, Grant, ...
 */
type Payload = Record<string, unknown> & { uid?: string; grantId?: string; userCode?: string };

interface Entry {
  payload: Payload;
  expiresAt: number;
}

export type AdapterStorage = Map<string, Entry>;

export function createAdapterFactory(storage: AdapterStorage = new Map()) {
  const live = (key: string): Payload | undefined => {
    const entry = storage.get(key);
    if (!entry) return undefined;
    if (Date.now() >= entry.expiresAt) {
      storage.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return function adapterFor(model: string) {
    const key = (id: string) => `${model}:${id}`;
    const findBy = (field: 'uid' | 'userCode', value: string) => {
      for (const [k, entry] of storage) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value) return live(k);
      }
      return undefined;
    };
    return {
      async upsert(id: string, payload: Payload, expiresIn?: number) {
        const expiresAt =
          typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        storage.set(key(id), { payload: structuredClone(payload), expiresAt });
      },
      async find(id: string) {
        return live(key(id));
      },
      async findByUid(uid: string) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode: string) {
        return findBy('userCode', userCode);
      },
      async consume(id: string) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        storage.delete(key(id));
      },
      async revokeByGrantId(grantId: string) {
        for (const [k, entry] of storage) if (entry.payload.grantId === grantId) storage.delete(k);
      },
    };
  };
}
