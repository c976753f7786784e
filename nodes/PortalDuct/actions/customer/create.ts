import type { IDataObject } from 'n8n-workflow';

import { customerFields, paths } from '../../api';
import { readContactExtras, readText, readUuid } from '../../validation';
import { createRecord, type IfExists } from '../create-record';
import { contactExtrasField, customerUuidField, ifExistsField, uuidField } from '../shared-fields';
import { defineAction } from '../types';

export const createCustomer = defineAction({
	resource: 'customer',
	operation: {
		name: 'Create',
		value: 'create',
		action: 'Create a customer',
		description:
			'Create a Customer (a company using PortalDuct) with a UUID you choose, usually its ID in your own platform',
	},
	fields: [
		{
			...uuidField(
				'customerUUID',
				'Customer UUID',
				'A UUID you choose for the new customer; reusing the ID of the company in your own platform keeps both systems aligned',
			),
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Acme Trade Finance',
			description: 'Company name of the customer',
		},
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		const body: IDataObject = {
			[customerFields.id]: readUuid(this, 'customerUUID', customerUuidField.displayName, itemIndex),
			[customerFields.name]: readText(this, 'name', 'Name', itemIndex),
			...readContactExtras(this, itemIndex),
		};
		return {
			body,
			ifExists: this.getNodeParameter('ifExists', itemIndex, 'error') as IfExists,
		};
	},
	async execute(input, itemIndex) {
		return await createRecord(this, {
			path: paths.addNewCustomer,
			body: input.body,
			subject: `customer ${input.body[customerFields.id]}`,
			ifExists: input.ifExists,
			itemIndex,
		});
	},
});
