// Publishing, listing, activating and rolling back bundle versions in a real JetStream; a bundle that
// does not load or lacks the server's entrypoints is refused before anything is stored.
import t from 'tap';
import type { Test } from 'tap';
import { connectBus } from '../../../src/bus/index.js';
import { PolicyStore, PolicyStoreError, bundleVersion } from '../../../src/policy/store/index.js';
import { startNats } from '../../helpers/nats.js';
import { brokenBundle, labelledArchive, labelledBundle } from './lib.js';

/** A policy store on a nats-server of its own, both closed when `t` ends. */
async function openStore(t: Test): Promise<PolicyStore> {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  t.teardown(async () => {
    await bus.close();
    await nats.stop();
  });
  return PolicyStore.open(bus);
}

t.test('publish, list, active, rollback', async (t) => {
  const store = await openStore(t);
  t.equal(await store.active(), null, 'nothing active before the first publish');
  t.same(await store.list(), []);

  const steps: string[] = [];
  const v1 = await store.publish(labelledArchive('v1'), { who: 'alice', onProgress: (s) => steps.push(s) });
  t.same(steps, ['checking', 'uploading', 'recording', 'activating'], 'progress reported step by step');
  t.ok(v1.created);
  t.match(v1.record, { who: 'alice', entrypoints: ['portcullis/introspect', 'portcullis/token'], revision: '' });
  t.match(v1.record.version, /^[0-9a-f]{16}$/, 'version is a content hash');
  t.equal(v1.record.version, bundleVersion(labelledBundle('v1')), 'the same sources give the same version');
  t.ok(v1.record.size > 0 && v1.record.wasmSize > 0);
  t.equal((await store.active())?.version, v1.record.version, 'published version is active');

  const again = await store.publish(labelledArchive('v1'), { who: 'bob' });
  t.notOk(again.created, 'republishing identical content creates nothing');
  t.equal(again.record.who, 'alice', 'and keeps the first record');

  const v2 = await store.publish(labelledBundle('v2'), { who: 'bob' });
  t.not(v2.record.version, v1.record.version);
  t.match(await store.active(), { version: v2.record.version, previous: v1.record.version, reason: 'publish', who: 'bob' });

  const listed = await store.list();
  t.same(listed.map((v) => v.version), [v1.record.version, v2.record.version], 'list, oldest first');

  const back = await store.activate(v1.record.version.slice(0, 6), 'carol');
  t.match(back, { version: v1.record.version, previous: v2.record.version, reason: 'rollback', who: 'carol' }, 'rollback by unique prefix');
  t.equal((await store.active())?.version, v1.record.version);

  const loaded = await store.load(v1.record.version);
  t.same(loaded.bundle.data, { label: 'v1' }, 'the stored bundle reads back');
  t.equal(loaded.policy.version, v1.record.version);

  const v3 = await store.publish(labelledArchive('v3'), { who: 'dave', activate: false });
  t.equal((await store.active())?.version, v1.record.version, '--no-activate leaves the pointer');
  t.ok(await store.get(v3.record.version));

  await t.rejects(store.activate('ffffffff', 'x'), { code: 'version_not_found' });
  await t.rejects(store.activate('zz', 'x'), { code: 'version_not_found' });
});

t.test('refused at publish: broken Wasm, missing entrypoint, not a bundle', async (t) => {
  const store = await openStore(t);
  await store.publish(labelledArchive('good'), { who: 'alice' });
  const good = (await store.active())?.version;

  await t.rejects(store.publish(brokenBundle(), { who: 'mallory' }), { name: 'PolicyStoreError', code: 'bundle_load_failed' });
  await t.rejects(store.publish(labelledBundle('no-introspect', ['portcullis/token']), { who: 'mallory' }), {
    code: 'bundle_missing_entrypoint',
    message: /portcullis\/introspect/,
  });
  await t.rejects(store.publish(new Uint8Array([1, 2, 3]), { who: 'mallory' }), { code: 'bundle_invalid' });
  t.equal((await store.list()).length, 1, 'nothing refused was stored');
  t.equal((await store.active())?.version, good, 'the active version did not move');

  const forced = await store.publish(brokenBundle(), { who: 'test', force: true, activate: false });
  t.equal(forced.record.unchecked, true, 'force stores without checks and says so');
  t.ok(new PolicyStoreError('bundle_invalid', 'x').toJSON().code === 'bundle_invalid');
});
