import { NodeOperationError } from 'n8n-workflow';

import { paths } from '../../api';
import { refresh, type Exchange } from '../../transport/session';
import { itemPrefix } from '../../validation';
import { defineAction } from '../types';
import { includeTokenField, readSessionCredentials, sessionOutput } from './session-output';

/** Says why a refresh did not give a session: refused, no such endpoint, or no answer. */
function refusalWords(outcome: Exchange, baseUrl: string): [string, string] {
	if (outcome.refused || outcome.status === 400) {
		return [
			`PortalDuct refused the refresh token (${outcome.problem}); refresh tokens work only once and expire`,
			'Use Get Token to start a new session. The credential logs in again by itself when its own refresh token is refused.',
		];
	}
	if (outcome.status === 404 || outcome.status === 405) {
		return [
			`PortalDuct has no refresh endpoint ${paths.renewal} at ${baseUrl} (HTTP ${outcome.status})`,
			'This PortalDuct environment does not refresh tokens that way, so the credential falls back to logging in with its email and password whenever a token expires. Use Get Token for a new token.',
		];
	}
	return [
		`The refresh token could not be traded: ${outcome.problem ?? 'no answer came back'}`,
		outcome.status === undefined
			? 'Check the Base URL of the PortalDuct credential and that PortalDuct is up.'
			: 'Running the workflow again later usually works; the credential logs in again by itself if refreshing keeps failing.',
	];
}

export const refreshToken = defineAction({
	resource: 'auth',
	writes: true,
	operation: {
		name: 'Refresh Token',
		value: 'refreshToken',
		action: 'Refresh auth token',
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
	async execute(input, itemIndex, run) {
		const credentials = await readSessionCredentials(run, itemIndex);
		const token = input.refreshToken || credentials.refreshToken;
		if (!token) {
			throw new NodeOperationError(
				this.getNode(),
				`${itemPrefix(this, itemIndex)}"Refresh Token" is empty and the credential holds none yet`,
				{
					itemIndex,
					description:
						'Run Get Token with Include Token on and pass its refreshToken here, or run any other PortalDuct action first.',
				},
			);
		}
		// The credential's own access token goes along only with its own refresh token.
		const bearer = input.refreshToken ? undefined : credentials.accessToken;
		const outcome = await refresh((options) => this.helpers.httpRequest(options), credentials.baseUrl, token, bearer);
		if (!outcome.session) {
			const [message, description] = refusalWords(outcome, credentials.baseUrl);
			throw new NodeOperationError(this.getNode(), `${itemPrefix(this, itemIndex)}${message}`, { itemIndex, description });
		}
		const session = outcome.session;
		return sessionOutput(session, input.includeToken);
	},
});
