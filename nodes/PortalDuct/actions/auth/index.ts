import type { PortalDuctResource } from '../types';
import { getToken } from './getToken';
import { refreshToken } from './refreshToken';

export const authResource: PortalDuctResource = {
	option: { name: 'Auth', value: 'auth', description: 'PortalDuct session tokens (the other actions log in by themselves)' },
	actions: [getToken, refreshToken],
	// A literal default: n8n's linter and editor read it from the source.
	operationPicker: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['auth'] } },
		options: [getToken.operation, refreshToken.operation],
		default: 'getToken',
	},
};
