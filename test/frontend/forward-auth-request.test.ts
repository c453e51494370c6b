// How forward-auth reads the original request from the header shapes gateways use: nginx X-Original-*,
// Traefik/Caddy X-Forwarded-*, Envoy ext_authz (original method, path appended to /forward-auth).
import t from 'tap';
import { type ForwardAuthHeaders, accessToken, actionOf, bearerToken, originalRequest, proofUrl, rsContextOf, withoutAccessToken } from '../../src/frontend/forward-auth-request.js';

const none: ForwardAuthHeaders = {
  authorization: '',
  dpop: '',
  gatewayAuthorization: '',
  method: 'GET',
  path: '/forward-auth',
  query: '',
  host: 'portcullis:8080',
  originalMethod: '',
  originalUri: '',
  originalHost: '',
  forwardedMethod: '',
  forwardedUri: '',
  forwardedHost: '',
  forwardedProto: '',
  forwardedFor: '',
  realIp: '',
  action: '',
  resource: '',
  resourceType: '',
};

t.test('nginx auth_request', async (t) => {
  const h = { ...none, originalMethod: 'DELETE', originalUri: '/orders/7?force=1', originalHost: 'API.example', realIp: '198.51.100.4' };
  t.same(originalRequest(h), { method: 'DELETE', host: 'api.example', uri: '/orders/7?force=1', path: '/orders/7', proto: 'http', ip: '198.51.100.4' });
  t.same(rsContextOf(h, originalRequest(h)), { method: 'DELETE', host: 'api.example', uri: '/orders/7?force=1', path: '/orders/7', proto: 'http', action: 'write', ip: '198.51.100.4' });
});

t.test('Traefik ForwardAuth / Caddy forward_auth', async (t) => {
  const h = { ...none, forwardedMethod: 'POST', forwardedUri: '/a/b', forwardedHost: 'shop.example', forwardedProto: 'https', forwardedFor: '203.0.113.1, 10.0.0.2' };
  t.same(originalRequest(h), { method: 'POST', host: 'shop.example', uri: '/a/b', path: '/a/b', proto: 'https', ip: '203.0.113.1' });
});

t.test('Envoy ext_authz (HTTP): method and path of the forward-auth request itself', async (t) => {
  const h = { ...none, method: 'PUT', path: '/forward-auth/orders/9', query: 'v=2', host: 'orders.internal' };
  t.same(originalRequest(h), { method: 'PUT', host: 'orders.internal', uri: '/orders/9?v=2', path: '/orders/9', proto: 'http', ip: '' });
});

t.test('gateway hints and defaults', async (t) => {
  t.equal(actionOf('GET'), 'read');
  t.equal(actionOf('HEAD'), 'read');
  t.equal(actionOf('PATCH'), 'write');
  const req = originalRequest(none);
  t.same(req, { method: 'GET', host: 'portcullis:8080', uri: '/', path: '/', proto: 'http', ip: '' }, 'nothing said: GET /');
  t.match(rsContextOf({ ...none, action: 'orders.cancel', resource: 'order-1', resourceType: 'api.orders' }, req), { action: 'orders.cancel', resource: 'order-1', resource_type: 'api.orders' });
  t.notOk('action' in rsContextOf({ ...none, action: '-' }, req), '"-" asks for no action check');
  t.equal(originalRequest({ ...none, originalMethod: 'G E T' }).method, 'GET', 'a malformed method is not passed on');
  t.equal(originalRequest({ ...none, originalUri: `/${'x'.repeat(10_000)}` }).uri.length, 4096, 'the URI is bounded');
});

t.test('bearer tokens', async (t) => {
  t.equal(bearerToken('Bearer abc.DEF-123_~+/=='), 'abc.DEF-123_~+/==');
  t.equal(bearerToken('bearer  tok'), 'tok');
  t.equal(bearerToken('Basic abc'), undefined);
  t.equal(bearerToken('Bearer'), undefined);
  t.equal(bearerToken('Bearer a b'), undefined);
});

t.test('DPoP-bound tokens and the proof URL', async (t) => {
  t.same(accessToken('DPoP abc'), { scheme: 'DPoP', token: 'abc' });
  t.same(accessToken('Bearer abc'), { scheme: 'Bearer', token: 'abc' });
  t.equal(accessToken('Basic abc'), undefined);
  const req = originalRequest({ ...none, originalUri: '/orders/1?x=y', originalHost: 'api.example', forwardedProto: 'https' });
  t.equal(proofUrl(req), 'https://api.example/orders/1', 'htu: no query (RFC 9449 §4.3)');
});

t.test('a token in the query (RFC 6750 §2.3) never reaches the policy context or the audit log', async (t) => {
  t.equal(withoutAccessToken('/a?x=1&access_token=SECRET&y=2'), '/a?x=1&access_token=redacted&y=2');
  t.equal(withoutAccessToken('/a?ACCESS_TOKEN=SECRET'), '/a?access_token=redacted');
  t.equal(withoutAccessToken('/a?my_access_token=keep'), '/a?my_access_token=keep', 'only that exact parameter');
  t.equal(withoutAccessToken('/a/b'), '/a/b');
});
