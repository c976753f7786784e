import { clientFields, paths } from '../../api';
import { readUuid } from '../../validation';
import { companyNameField, createRecord, readRecordInput } from '../create-record';
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
		companyNameField('Northwind Retail', 'client'),
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		return readRecordInput(this, itemIndex, {
			[clientFields.customerId]: readUuid(this, 'customerUUID', customerUuidField.displayName, itemIndex),
			[clientFields.id]: readUuid(this, 'clientUUID', clientUuidField.displayName, itemIndex),
		});
	},
	async execute(input, itemIndex) {
		return await createRecord(this, {
			...input,
			path: paths.addNewCustomerClient,
			subject: `client ${input.body[clientFields.id]}`,
			// [assumed] 404 to a client create: its customer does not exist.
			missing: `customer ${input.body[clientFields.customerId]} (create the customer before its clients)`,
			itemIndex,
		});
	},
});
