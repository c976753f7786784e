import type { IDataObject } from 'n8n-workflow';

import { fieldOf, paths } from '../../api';
import { portalDuctRequest } from '../../transport/request';
import { idFieldsFor, idFormatField, idOwn, readId } from '../../own-ids';
import { clientUuidField } from '../shared-fields';
import { defineAction } from '../types';

export const getClientBalance = defineAction({
	resource: 'client',
	operation: {
		name: 'Get Balance',
		value: 'getBalance',
		action: 'Get client balance',
		description:
			'Get what a client owes: total outstanding and overdue, open invoice count, and a breakdown per portal connection',
	},
	fields: [
		idFormatField,
		...idFieldsFor(clientUuidField, 'client'),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'client',
			options: [
				{
					name: 'One Item for the Client',
					value: 'client',
					description: 'Totals of the client with a byPortal list',
				},
				{
					name: 'One Item per Portal Connection',
					value: 'connections',
					description:
						'One item per connection with its connection_uuid, ready for Invoice > Get Many',
				},
			],
		},
	],
	read(itemIndex) {
		const client = readId(this, 'clientUUID', 'client', 'Client', itemIndex);
		return {
			clientUUID: client.uuid,
			own: idOwn('client', client),
			perConnection: this.getNodeParameter('output', itemIndex, 'client') === 'connections',
		};
	},
	async execute(input, itemIndex, run) {
		const answer = await portalDuctRequest(run, {
			method: 'GET',
			path: paths.clientBalance(input.clientUUID),
			resend: 'read',
			itemIndex,
			subject: `client ${input.clientUUID}`,
		});
		// The client's id as the caller wrote it, not PortalDuct's echo (which may differ in case).
		const balance: IDataObject = { ...(answer.body as IDataObject), clientUUID: input.clientUUID, ...input.own };
		if (!input.perConnection) return balance;
		// `byPortal` and `asOf` as the contract names them, or in snake_case (`by_portal`) [assumed variant].
		const byPortal = fieldOf(balance, 'byPortal');
		const connections = Array.isArray(byPortal) ? (byPortal as IDataObject[]) : [];
		return connections.map((connection) => ({
			clientUUID: balance.clientUUID,
			...input.own,
			currency: balance.currency,
			asOf: fieldOf(balance, 'asOf'),
			...connection,
		}));
	},
});
