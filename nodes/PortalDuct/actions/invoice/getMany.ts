import { hash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { fieldOf, paths } from '../../api';
import { fetchInvoicePages } from '../../transport/paging';
import { readPositiveInteger, readUuid } from '../../validation';
import { uuidField } from '../shared-fields';
import { defineAction } from '../types';

/** The fields an accounting or CRM step usually needs, in a stable order. */
const simplifiedFields = [
	'invoiceNumber',
	'poNumber',
	'portalName',
	'amount',
	'currency',
	'invoiceDate',
	'dueDate',
	'status',
	'paidDate',
	'connection_uuid',
	'changeKey',
];

/** The fields whose change an accounting sync must pass on: status, amount, currency, dates. */
const changeFields = ['status', 'amount', 'currency', 'dueDate', 'paidDate'];

/**
 * A key that changes exactly when the invoice (by its id) changes in a way accounting cares about:
 * 32 hex characters of SHA-256 over the id and `changeFields`. A daily sync passes on only the
 * invoices whose key it has not recorded, and records a key only after accounting took the invoice
 * (examples/invoice-sync-daily.json: a Data Table of handled keys).
 */
export function changeKeyOf(invoice: IDataObject): string {
	// Fields read by their contract names or in snake_case (`due_date`): the same invoice, the same key.
	const parts = [fieldOf(invoice, 'invoiceId') ?? fieldOf(invoice, 'invoiceNumber'), ...changeFields.map((field) => fieldOf(invoice, field) ?? null)];
	// One-shot hash (Node 20.12+; n8n 1.x needs 20.19): a fraction of createHash's cost per invoice.
	return hash('sha256', JSON.stringify(parts), 'hex').slice(0, 32);
}

export const getManyInvoices = defineAction({
	resource: 'invoice',
	operation: {
		name: 'Get Many',
		value: 'getMany',
		action: 'Get many invoices',
		description:
			'Get the invoices PortalDuct collected from one portal connection of a client; with Return All, every page is fetched',
	},
	fields: [
		uuidField(
			'connectionUuid',
			'Connection UUID',
			'The connection_uuid PortalDuct issued when the client connected a portal (in PortalDuct Trigger events and in Get Balance by portal)',
		),
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: false,
			description:
				'Whether to return only invoice number, PO number, portal, amount, currency, dates, status, connection and change key instead of the full record',
		},
	],
	read(itemIndex) {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		return {
			connectionUuid: readUuid(this, 'connectionUuid', 'Connection UUID', itemIndex),
			limit: returnAll ? Infinity : readPositiveInteger(this, 'limit', 'Limit', itemIndex),
			simplify: this.getNodeParameter('simplify', itemIndex, false) as boolean,
		};
	},
	async execute(input, itemIndex, run) {
		const invoices = await fetchInvoicePages(run, {
			path: paths.clientInvoices(input.connectionUuid),
			subject: `connection ${input.connectionUuid}`,
			limit: input.limit,
			itemIndex,
		});
		// Each invoice says which connection it came from, so merged lists stay traceable. Set on
		// the parsed records themselves (this walk's own objects): a copy of each would double
		// the memory and time of a Return All of 10,000.
		for (const invoice of invoices) {
			invoice.connection_uuid ??= input.connectionUuid;
			invoice.changeKey = changeKeyOf(invoice);
		}
		if (!input.simplify) return invoices;
		return invoices.map((invoice) => {
			const simple: IDataObject = {};
			// Our output names, read from PortalDuct's contract names or their snake_case spelling.
			for (const field of simplifiedFields) {
				const value = fieldOf(invoice, field);
				if (value !== undefined) simple[field] = value;
			}
			return simple;
		});
	},
});
