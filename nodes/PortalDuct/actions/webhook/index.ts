import type { PortalDuctResource } from '../types';
import { registerWebhook } from './register';
import { getWebhook } from './get';
import { removeWebhook } from './remove';

export const webhookResource: PortalDuctResource = {
	option: { name: 'Portal Login Webhook', value: 'webhook', description: 'Where PortalDuct sends portal connection status changes' },
	actions: [registerWebhook, getWebhook, removeWebhook],
	// A literal default: n8n's linter and editor read it from the source.
	operationPicker: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [registerWebhook.operation, getWebhook.operation, removeWebhook.operation],
		default: 'register',
	},
};
