import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { getToken } from './auth/getToken';
import { refreshToken } from './auth/refreshToken';
import { createClient } from './client/create';
import { getClientBalance } from './client/getBalance';
import { createCustomer } from './customer/create';
import { getManyInvoices } from './invoice/getMany';
import type { PortalDuctAction } from './types';
import { getWebhook } from './webhook/get';
import { registerWebhook } from './webhook/register';
import { removeWebhook } from './webhook/remove';

/** Resources in the order PortalDuct's integration guide walks them. */
export const resources: INodePropertyOptions[] = [
	{ name: 'Customer', value: 'customer', description: 'A company using PortalDuct (step 2)' },
	{ name: 'Client', value: 'client', description: 'A company a customer trades with (step 3)' },
	{ name: 'Invoice', value: 'invoice', description: 'Invoices collected from a client\'s portal' },
	{
		name: 'Portal Login Webhook',
		value: 'webhook',
		description: 'Where PortalDuct sends portal connection status changes (step 5)',
	},
	{ name: 'Auth', value: 'auth', description: 'PortalDuct session tokens (step 1)' },
];

export const actions: PortalDuctAction<any>[] = [
	createCustomer,
	createClient,
	getClientBalance,
	getManyInvoices,
	registerWebhook,
	getWebhook,
	removeWebhook,
	getToken,
	refreshToken,
];

export function findAction(resource: string, operation: string): PortalDuctAction<any> | undefined {
	return actions.find((a) => a.resource === resource && a.operation.value === operation);
}

/** The node's fields: resource, one operation picker per resource, then each action's own fields. */
export function actionProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources,
			default: 'customer',
		},
	];
	for (const resource of resources) {
		const own = actions.filter((a) => a.resource === resource.value);
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: own.map((a) => a.operation),
			default: own[0].operation.value,
		});
	}
	for (const action of actions) {
		const show = { resource: [action.resource], operation: [action.operation.value] };
		for (const field of action.fields) {
			properties.push({
				...field,
				displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, ...show } },
			});
		}
	}
	return properties;
}
