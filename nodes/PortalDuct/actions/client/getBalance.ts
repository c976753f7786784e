import type { IDataObject } from 'n8n-workflow';

import { paths } from '../../api';
import { portalDuctRequest } from '../../transport/request';
import { readUuid } from '../../validation';
import { clientUuidField } from '../shared-fields';
import { defineAction } from '../types';

export const getClientBalance = defineAction({
	resource: 'client',
	operation: {
		name: 'Get Balance',
		value: 'getBalance',
		action: 'Get the balance of a client',
		description:
			'Get what a client owes: total outstanding and overdue, open invoice count, and a breakdown per portal connection',
	},
	fields: [clientUuidField],
	read(itemIndex) {
		return { clientUUID: readUuid(this, 'clientUUID', clientUuidField.displayName, itemIndex) };
	},
	async execute(input, itemIndex) {
		const answer = await portalDuctRequest.call(this, {
			method: 'GET',
			path: paths.clientBalance(input.clientUUID),
			resend: 'read',
			itemIndex,
			subject: `client ${input.clientUUID}`,
		});
		return answer.body as IDataObject;
	},
});
