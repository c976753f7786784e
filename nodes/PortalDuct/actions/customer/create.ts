import { customerFields, paths } from '../../api';
import { readUuid } from '../../validation';
import { companyNameField, createRecord, readRecordInput } from '../create-record';
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
		uuidField(
			'customerUUID',
			'Customer UUID',
			'A UUID you choose for the new customer; reusing the ID of the company in your own platform keeps both systems aligned',
		),
		companyNameField('Acme Trade Finance', 'customer'),
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		return readRecordInput(this, itemIndex, {
			[customerFields.id]: readUuid(this, 'customerUUID', customerUuidField.displayName, itemIndex),
		});
	},
	async execute(input, itemIndex) {
		return await createRecord(this, {
			...input,
			path: paths.addNewCustomer,
			subject: `customer ${input.body[customerFields.id]}`,
			itemIndex,
		});
	},
});
