import { customerFields, paths } from '../../api';
import { idFieldsFor, idFormatField, idOwn, readId } from '../../own-ids';
import { companyNameField, createRecord, readRecordInput } from '../create-record';
import { contactExtrasField, ifExistsField, uuidField } from '../shared-fields';
import { defineAction } from '../types';

export const createCustomer = defineAction({
	resource: 'customer',
	writes: true,
	operation: {
		name: 'Create',
		value: 'create',
		action: 'Create customer',
		description:
			'Create a Customer (a company using PortalDuct) with a UUID you choose, usually its ID in your own platform',
	},
	fields: [
		idFormatField,
		...idFieldsFor(
			uuidField(
				'customerUUID',
				'Customer UUID',
				'A UUID you choose for the new customer; reusing the ID of the company in your own platform keeps both systems aligned',
			),
			'customer',
		),
		companyNameField('Acme Trade Finance', 'customer'),
		contactExtrasField,
		ifExistsField,
	],
	read(itemIndex) {
		const customer = readId(this, 'customerUUID', 'customer', 'Customer', itemIndex);
		return readRecordInput(this, itemIndex, { [customerFields.id]: customer.uuid }, idOwn('customer', customer));
	},
	async execute(input, itemIndex, run) {
		return await createRecord(run, {
			...input,
			path: paths.addNewCustomer,
			subject: `customer ${input.body[customerFields.id]}`,
			itemIndex,
		});
	},
});
