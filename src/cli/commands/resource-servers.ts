// `portcullis resource-servers …`: resource servers (a client record plus a resource indicator).
import { defaultIo, runAdminCommand } from '../../frontend/admin-client.js';
import type { CliCommand } from '../main.js';

export const command: CliCommand = {
  summary: 'manage resource servers (--client-id C --resource https://…)',
  run: (args) => runAdminCommand({ segment: 'resource-servers', noun: 'resource server', idField: 'id' }, args, defaultIo),
};
