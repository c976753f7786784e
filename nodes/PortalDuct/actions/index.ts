import type { INodeProperties } from 'n8n-workflow';

import { authResource } from './auth';
import { clientResource } from './client';
import { customerResource } from './customer';
import { invoiceResource } from './invoice';
import type { PortalDuctAction, PortalDuctResource } from './types';
import { webhookResource } from './webhook';

/** Resources in the order PortalDuct's integration guide walks them. */
export const resources: PortalDuctResource[] = [
	customerResource,
	clientResource,
	invoiceResource,
	webhookResource,
	authResource,
];

/** The action the node's Resource and Operation pick, if there is one. */
export function findAction(resource: string, operation: string): PortalDuctAction | undefined {
	return resources
		.find((r) => r.option.value === resource)
		?.actions.find((a) => a.operation.value === operation);
}

/** The node's fields: resource, one operation picker per resource, then each action's own fields. */
export function actionProperties(): INodeProperties[] {
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((r) => r.option),
			default: 'customer',
		},
		...resources.map((r) => r.operationPicker),
	];
	for (const resource of resources) {
		for (const action of resource.actions) {
			const show = { resource: [action.resource], operation: [action.operation.value as string] };
			for (const field of action.fields) {
				properties.push({
					...field,
					displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, ...show } },
				});
			}
		}
	}
	return properties;
}
