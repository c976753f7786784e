import { addressToShow, getRegistration } from '../../transport/registration';
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
	async execute(_input, itemIndex, run) {
		const registration = await getRegistration(run, itemIndex);
		if (!registration) return { registered: false };
		// A PortalDuct Trigger's URL carries its delivery token, another system's may carry its key:
		// credentials, not for execution data. The trigger's `signing` marker is a fingerprint: shown.
		return { registered: true, ...registration, url: addressToShow(registration.url, ['signing']) };
	},
});
