// `portcullis entitlements …`: what a client_id or software_id is entitled to.
import { defaultIo, runAdminCommand } from '../../frontend/admin-client.js';
import type { CliCommand } from '../main.js';

export const command: CliCommand = {
  summary: 'manage entitlements (--client-id C | --software-id S, --scopes, --resource-types, --ttl, --single-use)',
  run: (args) =>
    runAdminCommand(
      {
        segment: 'entitlements',
        noun: 'entitlement',
        idField: 'id',
        lists: ['scopes', 'resource_types', 'grant_types'],
        ints: ['ttl'],
        switches: { 'single-use': 'jit_single_use' },
        jsons: ['obligations'],
      },
      args,
      defaultIo,
    ),
};
