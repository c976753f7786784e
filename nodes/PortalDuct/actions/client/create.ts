import type { IDataObject } from 'n8n-workflow';

import { clientFields, paths } from '../../api';
import { readContactExtras, readText, readUuid } from '../../validation';
import { createRecord, type IfExists } from '../create-record';
import {
	clientUuidField,
	contactExtrasField,
	customerUuidField,
	ifExistsField,
	uuidField,
} from '../shared-fields';
import { defineAction } from '../types';

export const createClient = defineAction({
	resource: 'client',
	operation: {
		name: 'Create',
		value: 'create',
		action: 'Create a client of a customer',
		description:
			'Create a Client (a company the customer trades with) under an existing customer, with a UUID you choose',
	},
	fields: [
		customerUuidField,
		uuidField(
			'clientUUID',
			'Client UUID',
			'A UUID you choose for the new client; reusing the ID of the company in your own platform keeps both systems aligned',
		),
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Northwind Retail',
			description: 'Company name of the client',
		},
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		const body: IDataObject = {
			[clientFields.customerId]: readUuid(this, 'customerUUID', customerUuidField.displayName, itemIndex),
			[clientFields.id]: readUuid(this, 'clientUUID', clientUuidField.displayName, itemIndex),
			[clientFields.name]: readText(this, 'name', 'Name', itemIndex),
			...readContactExtras(this, itemIndex),
		};
		return {
			body,
			ifExists: this.getNodeParameter('ifExists', itemIndex, 'error') as IfExists,
		};
	},
	async execute(input, itemIndex) {
		return await createRecord(this, {
			path: paths.addNewCustomerClient,
			body: input.body,
			subject: `client ${input.body[clientFields.id]} (or its customer ${input.body[clientFields.customerId]})`,
			ifExists: input.ifExists,
			itemIndex,
		});
	},
});
