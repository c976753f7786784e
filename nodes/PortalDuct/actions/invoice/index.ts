import type { PortalDuctResource } from '../types';
import { getManyInvoices } from './getMany';

export const invoiceResource: PortalDuctResource = {
	option: { name: 'Invoice', value: 'invoice', description: "Invoices collected from a client's portal" },
	actions: [getManyInvoices],
	// A literal default: n8n's linter and editor read it from the source.
	operationPicker: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [getManyInvoices.operation],
		default: 'getMany',
	},
};
