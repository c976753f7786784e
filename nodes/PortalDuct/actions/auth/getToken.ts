import { NodeOperationError } from 'n8n-workflow';

import { logIn, sessionHintFor } from '../../transport/session';
import { defineAction } from '../types';
import { includeTokenField, readSessionCredentials, sessionOutput } from './session-output';

export const getToken = defineAction({
	resource: 'auth',
	operation: {
		name: 'Get Token',
		value: 'getToken',
		action: 'Get an auth token',
		description:
			'Log in to PortalDuct with the credential\'s email and password. Useful to check access or to hand a token to another system; other actions log in by themselves.',
	},
	fields: [includeTokenField],
	read(itemIndex) {
		return { includeToken: this.getNodeParameter('includeToken', itemIndex, false) as boolean };
	},
	async execute(input, itemIndex) {
		const credentials = await readSessionCredentials(this, itemIndex);
		const session = await logIn((options) => this.helpers.httpRequest(options), credentials).catch(
			(error: Error) => {
				throw new NodeOperationError(this.getNode(), error.message, { itemIndex, description: sessionHintFor(error.message) });
			},
		);
		return sessionOutput(session, input.includeToken);
	},
});
