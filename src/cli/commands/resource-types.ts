// `portcullis resource-types …`: PBAC resource types (scopes, parent, max TTL, single use, obligations).
import { defaultIo, runAdminCommand } from '../../frontend/admin-client.js';
import type { CliCommand } from '../main.js';

export const command: CliCommand = {
  summary: 'manage resource types (--scopes a,b [--parent T] [--max-ttl S] [--single-use])',
  run: (args) =>
    runAdminCommand(
      { segment: 'resource-types', noun: 'resource type', idField: 'name', lists: ['scopes'], ints: ['max_ttl'], switches: { 'single-use': 'jit_single_use' }, jsons: ['obligations'] },
      args,
      defaultIo,
    ),
};
