import { removeRegistration } from '../../transport/registration';
import { defineAction } from '../types';

export const removeWebhook = defineAction({
	resource: 'webhook',
	writes: true,
	operation: {
		name: 'Remove',
		value: 'remove',
		action: 'Remove the portal login webhook',
		description:
			'Stop PortalDuct sending portal-login status changes. Also stops a PortalDuct Trigger that registered it.',
	},
	fields: [],
	read() {
		return {};
	},
	async execute(_input, itemIndex, run) {
		const removed = await removeRegistration(run, itemIndex);
		return { removed, ...(removed ? {} : { reason: 'No webhook was registered' }) };
	},
});
