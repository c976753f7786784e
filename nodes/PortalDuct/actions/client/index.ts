import type { PortalDuctResource } from '../types';
import { createClient } from './create';
import { getClientBalance } from './getBalance';

export const clientResource: PortalDuctResource = {
	option: { name: 'Client', value: 'client', description: 'A company a customer trades with, identified by your own UUID' },
	actions: [createClient, getClientBalance],
	// A literal default: n8n's linter and editor read it from the source.
	operationPicker: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['client'] } },
		options: [createClient.operation, getClientBalance.operation],
		default: 'create',
	},
};
