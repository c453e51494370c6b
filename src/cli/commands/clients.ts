// `portcullis clients create|get|list|update|delete|rotate-secret`: clients through the admin API.
import { defaultIo, runAdminCommand } from '../../frontend/admin-client.js';
import type { CliCommand } from '../main.js';

export const command: CliCommand = {
  summary: 'create, show, list, update, delete clients; rotate a secret (printed once)',
  run: (args) =>
    runAdminCommand(
      {
        segment: 'clients',
        noun: 'client',
        idField: 'client_id',
        aliases: { name: 'client_name', secret: 'client_secret', 'auth-method': 'token_endpoint_auth_method' },
        lists: ['grant_types'],
        switches: { disabled: 'disabled' },
        jsons: ['metadata', 'software_statement'],
        extra: { 'rotate-secret': { method: 'POST', suffix: '/secret', summary: 'replace the secret (server-made unless --secret)' } },
      },
      args,
      defaultIo,
    ),
};
