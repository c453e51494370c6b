// `portcullis resources …`: individual resources (type, server, owner).
import { defaultIo, runAdminCommand } from '../../frontend/admin-client.js';
import type { CliCommand } from '../main.js';

export const command: CliCommand = {
  summary: 'manage resources (--type T --server RS [--owner CLIENT])',
  run: (args) => runAdminCommand({ segment: 'resources', noun: 'resource', idField: 'id', jsons: ['attributes'] }, args, defaultIo),
};
