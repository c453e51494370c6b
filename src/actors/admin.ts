// Admin operations: clients (through their client actor, the single writer of a client record) and
// PBAC policy data (compare-and-set in KV, then waiting until this process's policy pool holds it so
// the next decision here sees the change).
import { randomBytes } from 'node:crypto';
import { BusError, type KvStore, RevisionConflictError } from '../bus/index.js';
import {
  type ClientInput,
  type ClientRecord,
  type ClientView,
  OAuthError,
  type PbacCollection,
  type PbacRecordOf,
  type ResourceServer,
  checkOperatorSecret,
  clientView,
  generateClientSecret,
  hashSecret,
  newClient,
  parsePbacRecord,
  pbacRecordId,
} from '../oauth/index.js';
import { AdminError } from './admin-error.js';
import { clientActorKey } from './client-actor.js';
import type { ClientMessage } from './messages.js';
import { type PolicyDataView, policyDataKey } from './policy-data.js';
import type { ActorRouter } from './router.js';

/** A client as created or given a new secret: the secret (secret methods only) appears here once. */
export type CreatedClient = ClientView & { client_secret?: string };

/** Most records one list call returns. */
export const maxListed = 1000;

export class ClientAdmin {
  readonly #router: ActorRouter;
  readonly #clients: KvStore<ClientRecord>;

  constructor(router: ActorRouter, clients: KvStore<ClientRecord>) {
    this.#router = router;
    this.#clients = clients;
  }

  #call<R>(clientId: string, msg: ClientMessage): Promise<R> {
    return this.#router.call<R>('client', clientActorKey(clientId), msg);
  }

  /** Creates a client; the secret is in this answer and nowhere else, ever. */
  async create(input: ClientInput): Promise<CreatedClient> {
    const { record, secret } = newClient(input, Date.now(), () => `c-${randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`);
    const view = await this.#call<ClientView>(record.client_id, { op: 'admin.create', record });
    return secret === undefined ? view : { ...view, client_secret: secret };
  }

  get(clientId: string): Promise<ClientView> {
    return this.#call<ClientView>(clientId, { op: 'admin.get' });
  }

  update(clientId: string, input: ClientInput): Promise<ClientView> {
    if (input.client_id !== undefined && input.client_id !== clientId) throw new OAuthError('invalid_client_metadata', 'client_id cannot be changed');
    if (input.client_secret !== undefined) throw new OAuthError('invalid_client_metadata', 'set a new secret with POST /admin/clients/{id}/secret');
    return this.#call<ClientView>(clientId, { op: 'admin.update', input });
  }

  /** Replaces the secret (server-made unless one of ≥ 32 bytes is supplied) and shows it once. */
  async rotateSecret(clientId: string, supplied?: string): Promise<CreatedClient> {
    if (supplied !== undefined) checkOperatorSecret(supplied);
    const secret = supplied ?? generateClientSecret();
    const view = await this.#call<ClientView>(clientId, { op: 'admin.update', input: {}, secretHash: hashSecret(secret) });
    return { ...view, client_secret: secret };
  }

  delete(clientId: string): Promise<null> {
    return this.#call<null>(clientId, { op: 'admin.delete' });
  }

  async list(): Promise<ClientView[]> {
    const keys = (await this.#clients.keys()).slice(0, maxListed);
    const out: ClientView[] = [];
    for (const k of keys) {
      const v = await this.#clients.get(k);
      if (v?.value) {
        out.push(clientView(v.value));
      }
    }
    return out;
  }
}

export class PolicyDataAdmin {
  readonly #store: KvStore<unknown>;
  readonly #view: PolicyDataView | undefined;
  readonly #clients: ClientAdmin;
  readonly #syncTimeoutMs: number;

  constructor(store: KvStore<unknown>, clients: ClientAdmin, view: PolicyDataView | undefined, syncTimeoutMs = 5000) {
    this.#store = store;
    this.#clients = clients;
    this.#view = view;
    this.#syncTimeoutMs = syncTimeoutMs;
  }

  async list<C extends PbacCollection>(collection: C): Promise<PbacRecordOf[C][]> {
    const keys = (await this.#store.keys(`${collection}.>`)).slice(0, maxListed);
    const out: PbacRecordOf[C][] = [];
    for (const k of keys) {
      const v = await this.#store.get(k);
      if (v?.value) out.push(v.value as PbacRecordOf[C]);
    }
    return out;
  }

  async get<C extends PbacCollection>(collection: C, id: string): Promise<PbacRecordOf[C]> {
    const v = await this.#store.get(policyDataKey(collection, checkId(id)));
    if (!v?.value) throw new AdminError('not_found', `no ${collection} record ${id}`);
    return v.value as PbacRecordOf[C];
  }

  /** Creates a record; 409 when its id is taken. */
  async create<C extends PbacCollection>(collection: C, body: unknown): Promise<PbacRecordOf[C]> {
    const record = parsePbacRecord(collection, body);
    return this.#write(collection, record, 'create');
  }

  /** Creates or replaces the record `id`. */
  async put<C extends PbacCollection>(collection: C, id: string, body: unknown): Promise<PbacRecordOf[C]> {
    const record = parsePbacRecord(collection, body, checkId(id));
    return this.#write(collection, record, 'put');
  }

  async delete(collection: PbacCollection, id: string): Promise<null> {
    const key = policyDataKey(collection, checkId(id));
    const v = await this.#store.get(key);
    if (!v?.value) throw new AdminError('not_found', `no ${collection} record ${id}`);
    const revision = await this.#store.delete(key, v.revision).catch(conflictToAdmin(collection, id));
    await this.#sync(revision);
    return null;
  }

  async #write<C extends PbacCollection>(collection: C, record: PbacRecordOf[C], mode: 'create' | 'put'): Promise<PbacRecordOf[C]> {
    const id = pbacRecordId(record);
    if (collection === 'resource_servers') await this.#checkResourceServer(record as ResourceServer);
    const key = policyDataKey(collection, id);
    const existing = await this.#store.get(key);
    if (mode === 'create' && existing?.value) throw new AdminError('conflict', `${collection} record ${id} already exists`);
    const revision = await this.#store.write(key, record, existing?.revision ?? 0).catch(conflictToAdmin(collection, id));
    await this.#sync(revision);
    return record;
  }

  async #checkResourceServer(rs: ResourceServer): Promise<void> {
    await this.#clients.get(rs.client_id).catch((err: unknown) => {
      const notFound = (err instanceof AdminError && err.error === 'not_found') || (err instanceof BusError && err.envelope.code === 'not_found');
      if (notFound) throw new AdminError('invalid_request', `client_id ${rs.client_id} is not a registered client`);
      throw err;
    });
    const taken = this.#view?.resourceServerByIndicator(rs.resource);
    if (taken && taken.id !== rs.id) throw new AdminError('conflict', `resource ${rs.resource} already belongs to resource server ${taken.id}`);
  }

  async #sync(revision: number): Promise<void> {
    if (this.#view) await this.#view.waitForRevision(revision, this.#syncTimeoutMs);
  }
}

const adminIdPattern = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,126}[A-Za-z0-9_-])?$/;

function checkId(id: string): string {
  if (!adminIdPattern.test(id)) throw new AdminError('invalid_request', 'id must be 1-128 of A-Z a-z 0-9 _ . - starting with a letter or digit');
  return id;
}

function conflictToAdmin(collection: string, id: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof RevisionConflictError) throw new AdminError('conflict', `${collection} record ${id} changed concurrently; retry`);
    throw err;
  };
}
