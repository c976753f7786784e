import { getRegistration } from '../../transport/registration';
import { defineAction } from '../types';

export const getWebhook = defineAction({
	resource: 'webhook',
	operation: {
		name: 'Get',
		value: 'get',
		action: 'Get the portal login webhook',
		description: 'Get the URL PortalDuct currently sends portal-login status changes to, if any',
	},
	fields: [],
	read() {
		return {};
	},
	async execute(_input, itemIndex) {
		const registration = await getRegistration(this, itemIndex);
		return registration ? { registered: true, ...registration } : { registered: false };
	},
});
