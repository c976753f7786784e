import { NodeOperationError } from 'n8n-workflow';

import { refresh } from '../../transport/session';
import { defineAction } from '../types';
import { includeTokenField, readSessionCredentials, sessionOutput } from './session-output';

export const refreshToken = defineAction({
	resource: 'auth',
	operation: {
		name: 'Refresh Token',
		value: 'refreshToken',
		action: 'Refresh an auth token',
		description:
			'Trade a refresh token for a new access and refresh token. Refresh tokens work once; the credential refreshes its own session without this action.',
	},
	fields: [
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The refresh token to trade, e.g. from Get Token with Include Token on. Leave empty to use the one the credential holds (the credential then logs in again next time).',
		},
		includeTokenField,
	],
	read(itemIndex) {
		return {
			refreshToken: (this.getNodeParameter('refreshToken', itemIndex, '') as string).trim(),
			includeToken: this.getNodeParameter('includeToken', itemIndex, false) as boolean,
		};
	},
	async execute(input, itemIndex) {
		const credentials = await readSessionCredentials(this);
		const token = input.refreshToken || credentials.refreshToken;
		if (!token) {
			throw new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex}: "Refresh Token" is empty and the credential holds none yet`,
				{
					itemIndex,
					description:
						'Run Get Token with Include Token on and pass its refreshToken here, or run any other PortalDuct action first.',
				},
			);
		}
		const session = await refresh((options) => this.helpers.httpRequest(options), credentials.baseUrl, token);
		if (!session) {
			throw new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex}: PortalDuct refused the refresh token (refresh tokens work only once and expire)`,
				{ itemIndex, description: 'Use Get Token to start a new session.' },
			);
		}
		return sessionOutput(session, input.includeToken);
	},
});
