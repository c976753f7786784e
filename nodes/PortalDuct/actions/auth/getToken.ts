import { NodeOperationError } from 'n8n-workflow';

import { logIn, SESSION_HINT } from '../../transport/session';
import { defineAction } from '../types';
import { includeTokenField, readSessionCredentials, sessionOutput } from './session-output';

export const getToken = defineAction({
	resource: 'auth',
	operation: {
		name: 'Get Token',
		value: 'getToken',
		action: 'Get auth token',
		description:
			'Log in to PortalDuct with the credential\'s email and password. Useful to check access or to hand a token to another system; other actions log in by themselves.',
	},
	fields: [includeTokenField],
	read(itemIndex) {
		return { includeToken: this.getNodeParameter('includeToken', itemIndex, false) as boolean };
	},
	async execute(input, itemIndex, run) {
		const credentials = await readSessionCredentials(run, itemIndex);
		const outcome = await logIn((options) => this.helpers.httpRequest(options), credentials);
		if (outcome.kind === 'session') return sessionOutput(outcome.session, input.includeToken);
		const hint = outcome.kind === 'final' ? outcome.hint : SESSION_HINT;
		throw new NodeOperationError(this.getNode(), outcome.message, { itemIndex, description: hint });
	},
});
