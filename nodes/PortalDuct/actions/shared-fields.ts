import type { INodeProperties } from 'n8n-workflow';

/** Fields that several actions ask for, written once so they read the same everywhere. */

export function uuidField(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f2b8c1e-7d4a-4e2b-9c1f-0a5d6e7f8a9b',
		description,
	};
}

export const customerUuidField = uuidField(
	'customerUUID',
	'Customer UUID',
	'The UUID you gave the customer when creating it in PortalDuct (usually the ID of that company in your own platform)',
);

export const clientUuidField = uuidField(
	'clientUUID',
	'Client UUID',
	'The UUID you gave the client when creating it in PortalDuct (usually the ID of that company in your own platform)',
);

export const contactExtrasField: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'e.g. name@email.com',
			default: '',
			description: 'Contact email address kept with the record',
		},
		{
			displayName: 'Metadata',
			name: 'metadata',
			type: 'json',
			default: '{}',
			description: 'Any JSON object you want PortalDuct to keep with the record, such as your CRM ID',
		},
	],
};

export const ifExistsField: INodeProperties = {
	displayName: 'If Already Exists',
	name: 'ifExists',
	type: 'options',
	default: 'error',
	options: [
		{
			name: 'Error',
			value: 'error',
			description: 'Fail the item (or output an error item when the node continues on fail)',
		},
		{
			name: 'Continue',
			value: 'continue',
			description: 'Output the item with alreadyExisted set to true, so re-running a sync is safe',
		},
	],
	description: 'What to do when PortalDuct already has a record with this UUID',
};
