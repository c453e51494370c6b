// Shared by the pool tests: the weihanchen RBAC fixture (a real OPA-built module) as a bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyBundle } from '../../src/policy/index.js';
import { opaFixturesDir } from '../helpers/shared.js';

const dir = join(opaFixturesDir, 'weihanchen-rbac-abi11');

export const rbacEntrypoint = 'example/allow';
export const allowedInput = { user: 'userA', action: 'edit', object: 'article' };

export function rbacBundle(version: string, opts: { revokeUserA?: boolean } = {}): PolicyBundle {
  const data = JSON.parse(readFileSync(`${dir}/data.json`, 'utf8')) as { user_roles: Record<string, unknown> };
  if (opts.revokeUserA) delete data.user_roles.userA;
  return { wasm: readFileSync(`${dir}/policy.wasm`), data, version };
}
