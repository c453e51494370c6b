// What an OAuth operation under test ended in, as a string a test can compare: 'ok', or the OAuthError it
// threw. Any other error is a bug in the test or the code and is rethrown.
import { OAuthError } from '../../src/oauth/errors.js';

/** 'ok', or the wire code (`error`) of the OAuthError `f` throws. */
export function syncCode(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (err instanceof OAuthError) return err.error;
    throw err;
  }
}

/** 'ok', or `<error>: <description>` of the OAuthError the promise rejects with or the function throws. */
export async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (err) {
    if (err instanceof OAuthError) return `${err.error}: ${err.description}`;
    throw err;
  }
}
