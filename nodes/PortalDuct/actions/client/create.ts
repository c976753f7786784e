import { clientFields, paths } from '../../api';
import { idFieldsFor, idFormatField, idOwn, readId } from '../../own-ids';
import { companyNameField, createRecord, readRecordInput } from '../create-record';
import {
	contactExtrasField,
	customerUuidField,
	ifExistsField,
	uuidField,
} from '../shared-fields';
import { defineAction } from '../types';

export const createClient = defineAction({
	resource: 'client',
	writes: true,
	operation: {
		name: 'Create',
		value: 'create',
		action: 'Create client',
		description:
			'Create a Client (a company the customer trades with) under an existing customer, with a UUID you choose',
	},
	fields: [
		idFormatField,
		...idFieldsFor(customerUuidField, 'customer'),
		...idFieldsFor(
			uuidField(
				'clientUUID',
				'Client UUID',
				'A UUID you choose for the new client; reusing the ID of the company in your own platform keeps both systems aligned',
			),
			'client',
		),
		companyNameField('Northwind Retail', 'client'),
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		const customer = readId(this, 'customerUUID', 'customer', 'Customer', itemIndex);
		const client = readId(this, 'clientUUID', 'client', 'Client', itemIndex);
		return readRecordInput(
			this,
			itemIndex,
			{ [clientFields.customerId]: customer.uuid, [clientFields.id]: client.uuid },
			{ ...idOwn('customer', customer), ...idOwn('client', client) },
		);
	},
	async execute(input, itemIndex, run) {
		return await createRecord(run, {
			...input,
			path: paths.addNewCustomerClient,
			subject: `client ${input.body[clientFields.id]}`,
			// [assumed] 404 to a client create: its customer does not exist.
			missing: `customer ${input.body[clientFields.customerId]} (create the customer before its clients)`,
			itemIndex,
		});
	},
});
