// OAuthError carries a closed wire code, a status, and crosses NATS as an envelope.
import t from 'tap';
import { OAuthError, isOAuthErrorCode } from '../../src/oauth/index.js';

t.test('wire form and envelope', async (t) => {
  const e = new OAuthError('invalid_client', 'client authentication failed');
  t.equal(e.status, 401);
  t.same(JSON.parse(JSON.stringify(e)), { error: 'invalid_client', error_description: 'client authentication failed' });
  const back = OAuthError.fromEnvelope(e.toEnvelope());
  t.ok(back instanceof OAuthError);
  t.same(back?.toJSON(), e.toJSON());
  t.equal(back?.status, 401);
  t.equal(new OAuthError('invalid_request', 'x').status, 400);
  t.equal(new OAuthError('temporarily_unavailable', 'x').status, 503);
  t.equal(OAuthError.fromEnvelope({ kind: 'protocol', code: 'not_a_code', description: '' }), undefined);
  t.notOk(isOAuthErrorCode('made_up'));
});
