import type { PortalDuctResource } from '../types';
import { createCustomer } from './create';

export const customerResource: PortalDuctResource = {
	option: { name: 'Customer', value: 'customer', description: 'A company using PortalDuct, identified by your own UUID' },
	actions: [createCustomer],
	// A literal default: n8n's linter and editor read it from the source.
	operationPicker: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [createCustomer.operation],
		default: 'create',
	},
};
