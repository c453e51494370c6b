// Scope (RFC 6749 §3.3) and resource indicator (RFC 8707) parsing.
import t from 'tap';
import { OAuthError, intersectScopes, parseResourceIndicators, parseResourceTypes, parseScope } from '../../src/oauth/index.js';

const err = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof OAuthError ? e.error : 'other';
  }
};

t.test('scope', async (t) => {
  t.same(parseScope(undefined), []);
  t.same(parseScope(''), []);
  t.same(parseScope('read write read'), ['read', 'write']);
  t.same(parseScope('a:b/c!#'), ['a:b/c!#']);
  t.equal(err(() => parseScope('read  write')), 'invalid_scope');
  t.equal(err(() => parseScope('bad"quote')), 'invalid_scope');
  t.equal(err(() => parseScope('back\\slash')), 'invalid_scope');
  t.equal(err(() => parseScope('tab\there')), 'invalid_scope');
  t.equal(err(() => parseScope(Array.from({ length: 65 }, (_, i) => `s${i}`).join(' '))), 'invalid_scope');
  t.same(intersectScopes(['a', 'b', 'c'], ['c', 'a']), ['a', 'c']);
});

t.test('resource indicators', async (t) => {
  t.same(parseResourceIndicators(['https://a.example/x', 'https://a.example/x', 'urn:x:y']), ['https://a.example/x', 'urn:x:y']);
  t.equal(err(() => parseResourceIndicators(['relative/path'])), 'invalid_target');
  t.equal(err(() => parseResourceIndicators(['https://a.example/#frag'])), 'invalid_target');
  t.equal(err(() => parseResourceIndicators(Array.from({ length: 17 }, (_, i) => `https://a${i}.example`))), 'invalid_target');
  t.same(parseResourceTypes(['api.orders']), ['api.orders']);
  t.equal(err(() => parseResourceTypes(['bad type'])), 'invalid_target');
});
